# The plugin's release archive: run by the package-plugin target
# (plugin/CMakeLists.txt) as cmake -P with
#   SOURCE_DIR  the source tree        BUILD_DIR     the build tree
#   OUT_DIR     where the archive goes VERSION       the project version
#   LIBRARY_NAME libpaneldialer.so     STRIP         strip(1), optional: the
#                                                    packed library loses its debug info
# Writes OUT_DIR/paneldialer-VERSION.tar.gz holding one folder
# paneldialer-VERSION/: the `plugin` install component (plugin/CMakeLists.txt,
# the one list of what a plugin package holds; the CPack release archive
# installs the same component): manifest.json, libpaneldialer.so, web/,
# templates/, sql/, admin-php/.
set(name paneldialer-${VERSION})
set(stage ${OUT_DIR}/package)
file(REMOVE_RECURSE ${stage})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --component plugin --prefix ${stage}
                RESULT_VARIABLE installed OUTPUT_QUIET)
if(NOT installed EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --component plugin failed")
endif()
if(STRIP)
  execute_process(COMMAND ${STRIP} --strip-debug ${stage}/${name}/${LIBRARY_NAME} RESULT_VARIABLE stripped)
  if(NOT stripped EQUAL 0)
    message(FATAL_ERROR "${STRIP} --strip-debug failed on ${LIBRARY_NAME}")
  endif()
endif()
file(READ ${SOURCE_DIR}/manifest.json manifest)
string(JSON manifest_version GET "${manifest}" version)
if(NOT manifest_version STREQUAL VERSION)
  message(FATAL_ERROR "manifest.json says version ${manifest_version}, the project ${VERSION}: "
                      "make them agree (CMakeLists.txt project(VERSION))")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${OUT_DIR}/${name}.tar.gz --format=gnutar ${name}
                WORKING_DIRECTORY ${stage} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "could not write ${OUT_DIR}/${name}.tar.gz")
endif()
message(STATUS "plugin package: ${OUT_DIR}/${name}.tar.gz")
