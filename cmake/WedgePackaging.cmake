# The Debian package of wedge: `cpack -G DEB` in a build tree where wedge and wedgectl are built.
#
# Included at the end of the top-level CMakeLists.txt (include(cmake/WedgePackaging.cmake OPTIONAL)).
# The package installs the two binaries, the systemd unit, the udev rules, the sysusers file, the
# example configuration as /etc/wedge/wedge.yaml and the label templates beside it (conffiles), the
# operator documentation with the copyright file and changelog, and the man pages wedge(8),
# wedgectl(1) and wedge.yaml(5). lintian passes it without errors or warnings (the package test
# runs it; packaging/lintian-overrides says why for each tag it accepts). The station pages are embedded in the binary: nothing else to install.
# Maintainer scripts are in packaging/ (postinst: user, state directory, credentials directory,
# deb-systemd-helper, reloads; never starts or enables the service on a first install). Checked by tests/integration/package.

# Paths the package and systemd/wedge.service must agree on: ExecStart=/usr/bin/wedge --config
# /etc/wedge/wedge.yaml, ConfigurationDirectory=wedge (/etc/wedge), StateDirectory=wedge
# (/var/lib/wedge = state_dir of the example config). printing.template_dir is "templates",
# relative to the config file, hence /etc/wedge/templates.
set(WEDGE_DEB_CONFIG_DIR /etc/wedge)
set(WEDGE_DEB_TEMPLATE_DIR ${WEDGE_DEB_CONFIG_DIR}/templates)

# `cpack` installs the project into a staging directory through the install target. Without this,
# that target would first build `all` (every test and simulator); the package needs only the two
# binaries, which must be built beforehand (`cmake --build BUILD --target wedge wedgectl`).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(FILES ${PROJECT_SOURCE_DIR}/systemd/wedge.service DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/60-wedge.rules DESTINATION /lib/udev/rules.d)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/wedge.sysusers.conf DESTINATION lib/sysusers.d RENAME wedge.conf)
install(FILES ${PROJECT_SOURCE_DIR}/config/wedge.example.yaml DESTINATION ${WEDGE_DEB_CONFIG_DIR}
        RENAME wedge.yaml)
file(GLOB WEDGE_DEB_TEMPLATES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/config/templates/*.zpl)
install(FILES ${WEDGE_DEB_TEMPLATES} DESTINATION ${WEDGE_DEB_TEMPLATE_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/configuration.md ${PROJECT_SOURCE_DIR}/docs/mqtt-api.md
              ${PROJECT_SOURCE_DIR}/docs/http-api.md
        DESTINATION share/doc/wedge)
install(FILES ${PROJECT_SOURCE_DIR}/docs/grafana-dashboard.json DESTINATION share/wedge/grafana)

# Debian policy's documentation: the DEP-5 copyright file, the changelog (a native package:
# changelog.gz) and the man pages, compressed with gzip -9n (no name, no timestamp: the same bytes
# every build, as lintian wants). Made at configure time, because cpack installs without building
# (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY above); editing a source re-runs the configure step.
set(WEDGE_DEB_DOC_BUILD_DIR ${PROJECT_BINARY_DIR}/packaging/doc)
file(MAKE_DIRECTORY ${WEDGE_DEB_DOC_BUILD_DIR})
function(wedge_deb_gzip source output)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  execute_process(COMMAND gzip -9n -c ${source} OUTPUT_FILE ${output} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "gzip -9n ${source} failed: ${result}")
  endif()
endfunction()
wedge_deb_gzip(${PROJECT_SOURCE_DIR}/packaging/changelog ${WEDGE_DEB_DOC_BUILD_DIR}/changelog.gz)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${WEDGE_DEB_DOC_BUILD_DIR}/changelog.gz
        DESTINATION share/doc/wedge)
foreach(page wedge.8 wedgectl.1 wedge.yaml.5)
  string(REGEX MATCH "[0-9]$" section ${page})
  wedge_deb_gzip(${PROJECT_SOURCE_DIR}/packaging/man/${page} ${WEDGE_DEB_DOC_BUILD_DIR}/${page}.gz)
  install(FILES ${WEDGE_DEB_DOC_BUILD_DIR}/${page}.gz DESTINATION share/man/man${section})
endforeach()

# Every file under /etc is a conffile: an upgrade keeps the site's edits (dpkg asks when both the
# site and the package changed one), and a purge removes them.
set(WEDGE_DEB_CONFFILES "${WEDGE_DEB_CONFIG_DIR}/wedge.yaml\n")
foreach(template ${WEDGE_DEB_TEMPLATES})
  get_filename_component(name ${template} NAME)
  string(APPEND WEDGE_DEB_CONFFILES "${WEDGE_DEB_TEMPLATE_DIR}/${name}\n")
endforeach()
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/packaging/conffiles CONTENT "${WEDGE_DEB_CONFFILES}" @ONLY)

set(WEDGE_DEB_MAINTAINER "wedge maintainers <wedge-maintainers@example.com>"
    CACHE STRING "Maintainer field of the Debian package")
# Build trees configured before cached an address at localhost, which lintian refuses
# (bogus-mail-host): replace that old default, keep any other value a site chose.
if(WEDGE_DEB_MAINTAINER STREQUAL "wedge maintainers <wedge@localhost>")
  set(WEDGE_DEB_MAINTAINER "wedge maintainers <wedge-maintainers@example.com>"
      CACHE STRING "Maintainer field of the Debian package" FORCE)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wedge)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${WEDGE_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "warehouse edge gateway: station devices to the OMS over MQTT")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)            # wedge_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${WEDGE_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The long description; CPack puts the summary above it and indents it as the control file wants.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "wedge connects the barcode scanners, scales, label printers and signal
lights of warehouse pick, pack and ship stations to the order management
system over MQTT. It validates scans and parcel weights at the station,
keeps every event in an on-disk outbox until the broker has it, and serves
live station screens.

The service is installed but neither enabled nor started: edit
/etc/wedge/wedge.yaml, then run systemctl enable --now wedge.")
# Library dependencies from the binaries (dpkg-shlibdeps, from dpkg-dev); the postinst creates the
# wedge user with systemd-sysusers where systemd is installed, else with adduser (so lintian wants
# adduser named), and registers the unit with deb-systemd-helper (init-system-helpers).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.52)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto-clients")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm
    ${PROJECT_BINARY_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
