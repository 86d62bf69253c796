# Installing pmxsnap on a node: the files beside the binary (manual pages,
# systemd units, bash completion, the config file, documentation) and the
# Debian package CPack makes of them:
#
#   cmake --build build && cd build && cpack -G DEB   # pmxsnap_<version>_<arch>.deb
#
# The layout is Debian 12's: /usr/bin, /usr/share, units in
# /lib/systemd/system, the config file in /etc/pmxsnap. The units run
# /usr/bin/pmxsnap, so install the package (apt install ./pmxsnap_*.deb)
# rather than `cmake --install` into another prefix. Why each choice was made
# and what lintian says: dist/PACKAGING.md.
include(GNUInstallDirs)

set(PMXSNAP_DIST ${PROJECT_SOURCE_DIR}/dist)

# Under /usr (relative to the prefix).
install(FILES ${PMXSNAP_DIST}/bash-completion/pmxsnap
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PMXSNAP_DIST}/pmxsnap.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap/examples)
install(FILES ${PMXSNAP_DIST}/debian/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap)

# The package is native (built from pmxsnap's own sources, version without a
# Debian revision), so its changelog is changelog.gz: gzipped, without a name
# or time stamp in the gzip header (reproducible).
find_program(PMXSNAP_GZIP gzip REQUIRED)
set(pmxsnap_changelog_gz ${PROJECT_BINARY_DIR}/dist/changelog.gz)
add_custom_command(
  OUTPUT ${pmxsnap_changelog_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/dist
  COMMAND ${PMXSNAP_GZIP} -9nc ${PMXSNAP_DIST}/debian/changelog > ${pmxsnap_changelog_gz}
  DEPENDS ${PMXSNAP_DIST}/debian/changelog
  VERBATIM)
add_custom_target(pmxsnap_dist_files ALL DEPENDS ${pmxsnap_changelog_gz})
install(FILES ${pmxsnap_changelog_gz} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pmxsnap)

# Outside /usr (absolute): where Debian 12 looks for them.
install(FILES
          ${PMXSNAP_DIST}/systemd/pmxsnap-snapshot.service
          ${PMXSNAP_DIST}/systemd/pmxsnap-snapshot.timer
          ${PMXSNAP_DIST}/systemd/pmxsnap-snapshot.path
          ${PMXSNAP_DIST}/systemd/pmxsnap-prune.service
          ${PMXSNAP_DIST}/systemd/pmxsnap-prune.timer
        DESTINATION /lib/systemd/system)
# The config file is a conffile (dist/debian/conffiles): dpkg keeps the
# admin's edits across upgrades; the pristine copy is in doc/examples.
install(FILES ${PMXSNAP_DIST}/pmxsnap.conf DESTINATION /etc/pmxsnap)
install(DIRECTORY DESTINATION /etc/pmxsnap/trusted.d)

# The Debian package.
set(CPACK_PACKAGE_NAME pmxsnap)
set(CPACK_PACKAGE_VENDOR "pmxsnap")
set(CPACK_PACKAGE_CONTACT "pmxsnap maintainers <maintainers@users.noreply.r-seed-b596e16a.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
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
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "minisign, age, zstd, prometheus-node-exporter")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PMXSNAP_DIST}/debian/conffiles
    ${PMXSNAP_DIST}/debian/postinst
    ${PMXSNAP_DIST}/debian/prerm
    ${PMXSNAP_DIST}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Manual pages gzipped and executables fully stripped in the package only.
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/DebStage.cmake)

include(CPack)
