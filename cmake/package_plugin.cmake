# The plugin's release archive: run by the package-plugin target
# (plugin/CMakeLists.txt) as cmake -P with
#   SOURCE_DIR  the source tree        LIBRARY  the built libpaneldialer.so
#   OUT_DIR     the build folder       VERSION  the project version
#   STRIP       strip(1), optional: the packed library loses its debug info
# Writes OUT_DIR/paneldialer-VERSION.tar.gz holding one folder
# paneldialer-VERSION/ with what manifest.json lists (docs/manifest.md):
# manifest.json, libpaneldialer.so, web/, templates/, sql/, admin-php/.
set(name paneldialer-${VERSION})
set(stage ${OUT_DIR}/package/${name})
file(REMOVE_RECURSE ${OUT_DIR}/package)
file(MAKE_DIRECTORY ${stage})
file(COPY ${SOURCE_DIR}/manifest.json DESTINATION ${stage})
file(COPY ${LIBRARY} DESTINATION ${stage} FOLLOW_SYMLINK_CHAIN)
if(STRIP)
  get_filename_component(library_name ${LIBRARY} NAME)
  execute_process(COMMAND ${STRIP} --strip-debug ${stage}/${library_name} RESULT_VARIABLE stripped)
  if(NOT stripped EQUAL 0)
    message(FATAL_ERROR "${STRIP} --strip-debug failed on ${library_name}")
  endif()
endif()
file(COPY ${SOURCE_DIR}/plugin/web/ DESTINATION ${stage}/web)
file(COPY ${SOURCE_DIR}/templates/ DESTINATION ${stage}/templates)
file(COPY ${SOURCE_DIR}/sql/ DESTINATION ${stage}/sql)
# The admin pages without what a local install wrote (the Settings page's
# database file) and without editor leftovers.
file(COPY ${SOURCE_DIR}/admin-php/ DESTINATION ${stage}/admin-php
     PATTERN "config/database.php" EXCLUDE
     PATTERN "config/.database*" EXCLUDE
     PATTERN "*.swp" EXCLUDE)
file(READ ${SOURCE_DIR}/manifest.json manifest)
string(JSON manifest_version GET "${manifest}" version)
if(NOT manifest_version STREQUAL VERSION)
  message(FATAL_ERROR "manifest.json says version ${manifest_version}, the project ${VERSION}: "
                      "make them agree (CMakeLists.txt project(VERSION))")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${OUT_DIR}/${name}.tar.gz --format=gnutar ${name}
                WORKING_DIRECTORY ${OUT_DIR}/package RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "could not write ${OUT_DIR}/${name}.tar.gz")
endif()
message(STATUS "plugin package: ${OUT_DIR}/${name}.tar.gz")
