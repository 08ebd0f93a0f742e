# CPACK_PROJECT_CONFIG_FILE (cmake/packaging.cmake): read by cpack once per
# generator. The plugin archive holds only the plugin, the .deb only the host.
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_COMPONENTS_ALL plugin)
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
elseif(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_COMPONENTS_ALL host)
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
endif()
