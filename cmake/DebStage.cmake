# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): finishes CPack's staging
# tree the way Debian's tools (dh_installman, dh_strip) would, so the package
# meets Debian policy while `cmake --install` leaves files as built:
# - manual pages gzipped with -9n (no name or time stamp in the header, so
#   the package stays reproducible);
# - the .comment and .note sections stripped from executables (CPack's
#   strip keeps them; lintian: binary-has-unneeded-section).
set(stage "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")

find_program(gzip gzip REQUIRED)
file(GLOB_RECURSE pages "${stage}/*/share/man/man[1-9]/*.[1-9]")
foreach(page IN LISTS pages)
  execute_process(COMMAND ${gzip} -9nf "${page}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip ${page}: ${status}")
  endif()
endforeach()

find_program(strip strip REQUIRED)
file(GLOB executables "${stage}/*/bin/*")
foreach(executable IN LISTS executables)
  execute_process(COMMAND ${strip} --remove-section=.comment --remove-section=.note "${executable}"
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "strip ${executable}: ${status}")
  endif()
endforeach()
