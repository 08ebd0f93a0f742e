# Release packages (CPack): `cmake --build build --target package` (or
# `cpack --config build/CPackConfig.cmake -B DIR`) writes
#   paneldialer-<version>-linux-x86_64.tar.gz  the plugin (the `plugin` install
#       component, plugin/CMakeLists.txt: the one list of what a plugin package
#       holds, the same the package-plugin target packs), for
#       `panelhost plugin install`
#   panelhost_<version>-1_amd64.deb            panelhost and the tools (the
#       `host` component below), the systemd unit, the sample config
# cmake/cpack_per_generator.cmake picks each generator's component.
include(GNUInstallDirs)

install(TARGETS panelhost panelhost-hash-secret paneldialer-db pdctl pbx-sim
        RUNTIME DESTINATION bin COMPONENT host)
# The agent panel shell (host-stub/panel/web): the sample config's panel.shell_dir.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/host-stub/panel/web/ DESTINATION share/panelhost/web
        COMPONENT host)
# pbx-sim's scenarios, for a dry run without Asterisk.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/host-stub/sim/scenarios/ DESTINATION share/panelhost/sim-scenarios
        COMPONENT host)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/panelhost.service DESTINATION /lib/systemd/system
        COMPONENT host)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/panelhost.json.sample DESTINATION /etc/panelhost
        COMPONENT host)
install(FILES ${PROJECT_SOURCE_DIR}/docs/INSTALL.md ${PROJECT_SOURCE_DIR}/packaging/README.md
        DESTINATION share/doc/panelhost COMPONENT host)

set(CPACK_PACKAGE_NAME paneldialer)
set(CPACK_PACKAGE_VENDOR "PanelDialer")
set(CPACK_PACKAGE_CONTACT "PanelDialer maintainers <paneldialer@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PanelDialer outbound dialer: panel host and dialer plugin")
set(CPACK_GENERATOR TGZ DEB)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_STRIP_FILES ON)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/cpack_per_generator.cmake)
set(CPACK_OUTPUT_FILE_PREFIX "")

# The plugin archive: component `plugin`, whose paths already start with
# paneldialer-<version>/ (no extra top folder).
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)
set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY OFF)
set(CPACK_ARCHIVE_PLUGIN_FILE_NAME paneldialer-${PROJECT_VERSION}-linux-x86_64)

# The .deb: component `host`, installed under /usr (absolute paths stay).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_HOST_PACKAGE_NAME panelhost)
set(CPACK_DEBIAN_HOST_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_HOST_DESCRIPTION
    "PanelDialer panel host and tools\npanelhost owns the Asterisk Manager Interface link, serves agents' browser panels and runs plugins (the PanelDialer dialer: install its release archive with `panelhost plugin install`). With paneldialer-db, pdctl, panelhost-hash-secret, pbx-sim and a systemd unit.")
# Dependencies from the shared libraries actually linked (dpkg-shlibdeps),
# plus adduser for the postinst's service user.
find_program(PD_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(PD_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "dpkg-shlibdeps not found: the .deb will list only adduser and systemd as dependencies")
endif()
set(CPACK_DEBIAN_HOST_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_HOST_PACKAGE_RECOMMENDS "systemd, mariadb-client")
set(CPACK_DEBIAN_HOST_PACKAGE_SUGGESTS "asterisk, mariadb-server, php-fpm, php-mysql")
set(CPACK_DEBIAN_HOST_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
