# Installing pmxsnap on a node: the files beside the binary (manual pages,
# systemd units, bash completion, the config file, documentation) and the
# Debian package CPack makes of them:
#
#   cmake --build build && cd build && cpack -G DEB   # pmxsnap_<version>_<arch>.deb
#
# A package is for the Debian release it was built on: its Depends come from
# that machine's libraries (fmt 9 on Debian 12, fmt 10 on Debian 13), so the
# version names the release (0.2.0-1~deb13) and each release builds its own.
# The layout follows the release: config in /etc/pmxsnap, the rest under
# /usr, units where that release's systemd keeps them (/lib/systemd/system on
# Debian 12, /usr/lib/systemd/system on Debian 13). The units run
# /usr/bin/pmxsnap, so install the package (apt install ./pmxsnap_*.deb)
# rather than `cmake --install` into another prefix. Why each choice was made
# and what lintian says: dist/PACKAGING.md.
include(GNUInstallDirs)

set(PMXSNAP_DIST ${PROJECT_SOURCE_DIR}/dist)

# The Debian release of this machine (its major version, "13"), or none.
set(PMXSNAP_DEBIAN_RELEASE "" CACHE STRING
    "Debian major release the package is built for (default: this machine's)")
if(NOT PMXSNAP_DEBIAN_RELEASE AND EXISTS /etc/os-release)
  file(STRINGS /etc/os-release pmxsnap_os_id REGEX "^ID=")
  file(STRINGS /etc/os-release pmxsnap_os_version REGEX "^VERSION_ID=")
  if(pmxsnap_os_id STREQUAL "ID=debian" AND pmxsnap_os_version MATCHES "^VERSION_ID=\"?([0-9]+)")
    set(PMXSNAP_DEBIAN_RELEASE ${CMAKE_MATCH_1})
  endif()
endif()
set(pmxsnap_codenames 12 bookworm 13 trixie 14 forky)
list(FIND pmxsnap_codenames "${PMXSNAP_DEBIAN_RELEASE}" pmxsnap_release_at)
if(pmxsnap_release_at GREATER_EQUAL 0)
  math(EXPR pmxsnap_release_at "${pmxsnap_release_at} + 1")
  list(GET pmxsnap_codenames ${pmxsnap_release_at} PMXSNAP_DEBIAN_CODENAME)
else()
  set(PMXSNAP_DEBIAN_CODENAME unstable)
endif()

# Debian revision 1, then the release: ~deb12 sorts below ~deb13, so the
# upgrade from Proxmox VE 8 to 9 (bookworm to trixie) replaces the package.
set(PMXSNAP_DEBIAN_REVISION 1)
if(PMXSNAP_DEBIAN_RELEASE)
  string(APPEND PMXSNAP_DEBIAN_REVISION "~deb${PMXSNAP_DEBIAN_RELEASE}")
endif()
set(PMXSNAP_PACKAGE_VERSION ${PROJECT_VERSION}-${PMXSNAP_DEBIAN_REVISION})

# Where this release's systemd looks for units: systemd.pc says (systemd-dev
# on Debian 13, systemd on 12); without it, the release decides.
pkg_get_variable(PMXSNAP_SYSTEMD_UNIT_DIR systemd systemdsystemunitdir)
if(NOT PMXSNAP_SYSTEMD_UNIT_DIR)
  if(PMXSNAP_DEBIAN_RELEASE AND PMXSNAP_DEBIAN_RELEASE LESS 13)
    set(PMXSNAP_SYSTEMD_UNIT_DIR /lib/systemd/system)
  else()
    set(PMXSNAP_SYSTEMD_UNIT_DIR /usr/lib/systemd/system)
  endif()
endif()
message(STATUS "Debian package: pmxsnap ${PMXSNAP_PACKAGE_VERSION} (${PMXSNAP_DEBIAN_CODENAME}), "
               "units in ${PMXSNAP_SYSTEMD_UNIT_DIR}")

# Under /usr (relative to the prefix).
install(FILES ${PMXSNAP_DIST}/bash-completion/pmxsnap
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PMXSNAP_DIST}/pmxsnap.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap/examples)
# The off-site recipes of pmxsnap-snapshot(1), as tests/integration/test_offsite runs them.
install(PROGRAMS ${PMXSNAP_DIST}/examples/offsite-rclone ${PMXSNAP_DIST}/examples/offsite-restic
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap/examples)
install(FILES ${PMXSNAP_DIST}/debian/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap)
install(FILES ${PMXSNAP_DIST}/debian/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME pmxsnap)

# The version has a Debian revision, so the changelog is changelog.Debian.gz:
# dist/debian/changelog with its newest entry made this release's (version,
# distribution and a first line saying so, as a backport's entry would),
# keeping its date so the same tree gives the same bytes; gzipped without a
# name or time stamp in the header.
find_program(PMXSNAP_GZIP gzip REQUIRED)
file(READ ${PMXSNAP_DIST}/debian/changelog pmxsnap_changelog_text)
string(REGEX MATCH "^pmxsnap \\(([^)]*)\\) [a-z]+; urgency=medium\n\n" pmxsnap_changelog_top
             "${pmxsnap_changelog_text}")
if(NOT CMAKE_MATCH_1 STREQUAL "${PROJECT_VERSION}-1")
  message(FATAL_ERROR "dist/debian/changelog must start with an entry for ${PROJECT_VERSION}-1")
endif()
set(pmxsnap_release_name "Debian ${PMXSNAP_DEBIAN_RELEASE} (${PMXSNAP_DEBIAN_CODENAME})")
if(NOT PMXSNAP_DEBIAN_RELEASE)
  set(pmxsnap_release_name "an unnamed release")
endif()
string(LENGTH "${pmxsnap_changelog_top}" pmxsnap_top_length)
string(SUBSTRING "${pmxsnap_changelog_text}" ${pmxsnap_top_length} -1 pmxsnap_changelog_rest)
set(pmxsnap_changelog ${PROJECT_BINARY_DIR}/dist/changelog.Debian)
file(WRITE ${pmxsnap_changelog}
     "pmxsnap (${PMXSNAP_PACKAGE_VERSION}) ${PMXSNAP_DEBIAN_CODENAME}; urgency=medium\n\n"
     "  * Built for ${pmxsnap_release_name}.\n${pmxsnap_changelog_rest}")
set(pmxsnap_changelog_gz ${PROJECT_BINARY_DIR}/dist/changelog.Debian.gz)
add_custom_command(
  OUTPUT ${pmxsnap_changelog_gz}
  COMMAND ${PMXSNAP_GZIP} -9nc ${pmxsnap_changelog} > ${pmxsnap_changelog_gz}
  DEPENDS ${pmxsnap_changelog}
  VERBATIM)
add_custom_target(pmxsnap_dist_files ALL DEPENDS ${pmxsnap_changelog_gz})
install(FILES ${pmxsnap_changelog_gz} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap)

# Outside the prefix (absolute): where the release looks for them.
install(FILES
          ${PMXSNAP_DIST}/systemd/pmxsnap-snapshot.service
          ${PMXSNAP_DIST}/systemd/pmxsnap-snapshot.timer
          ${PMXSNAP_DIST}/systemd/pmxsnap-snapshot.path
          ${PMXSNAP_DIST}/systemd/pmxsnap-prune.service
          ${PMXSNAP_DIST}/systemd/pmxsnap-prune.timer
          ${PMXSNAP_DIST}/systemd/pmxsnap-drill.service
          ${PMXSNAP_DIST}/systemd/pmxsnap-drill.timer
          ${PMXSNAP_DIST}/systemd/pmxsnap-notify@.service
        DESTINATION ${PMXSNAP_SYSTEMD_UNIT_DIR})
# The mail of pmxsnap-notify@.service: a helper of the unit, not a command
# (Debian keeps those in /usr/lib/<package>).
install(PROGRAMS ${PMXSNAP_DIST}/libexec/pmxsnap-notify DESTINATION /usr/lib/pmxsnap)
# The config file is a conffile (dist/debian/conffiles): dpkg keeps the
# admin's edits across upgrades; the pristine copy is in doc/examples.
install(FILES ${PMXSNAP_DIST}/pmxsnap.conf DESTINATION /etc/pmxsnap)
install(DIRECTORY DESTINATION /etc/pmxsnap/trusted.d)

# The Debian package.
set(CPACK_PACKAGE_NAME pmxsnap)
set(CPACK_PACKAGE_VENDOR "pmxsnap")
set(CPACK_PACKAGE_CONTACT "pmxsnap maintainers <maintainers@users.noreply.r-seed-b596e16a.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${PMXSNAP_DEBIAN_REVISION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "backup and recovery of Proxmox VE cluster configuration")
set(CPACK_PACKAGE_DESCRIPTION
"pmxsnap takes signed, verifiable snapshots of a Proxmox VE node's cluster
configuration: the pmxcfs database behind /etc/pve (read consistently,
including its write-ahead log, and never written), the node-local corosync
and host files, and digests of the corosync authkeys. Archives are zstd
compressed tar files with detached minisign signatures, readable with stock
tools, optionally encrypted with age.

During an incident it compares a snapshot with the live node and the
running corosync, and its doctor command runs the checklist for a corosync
that cannot start (the CMAP errors) read-only. After corruption or a
rebuilt node it prints the restore or rejoin plan and installs an archived
database safely.

The package ships systemd units for a snapshot every hour and after every
change, and for daily pruning; they are not enabled on installation.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # pmxsnap_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # Depends: from the binary's libraries (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "minisign, age, zstd, prometheus-node-exporter, curl, default-mta | mail-transport-agent, restic, rclone")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PMXSNAP_DIST}/debian/conffiles
    ${PMXSNAP_DIST}/debian/postinst
    ${PMXSNAP_DIST}/debian/prerm
    ${PMXSNAP_DIST}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Manual pages gzipped and executables fully stripped in the package only.
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/DebStage.cmake)

include(CPack)
