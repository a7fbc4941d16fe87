# Install the libraries, public headers, an exported CMake package (mdbus::mdbus,
# mdbus::writer) and pkg-config files.
include(CMakePackageConfigHelpers)
install(TARGETS mdbus mdbus_static mdbus_writer mdbus_writer_static
        EXPORT mdbusTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mdbus DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT mdbusTargets NAMESPACE mdbus:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mdbus)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mdbusConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/mdbusConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mdbus)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/mdbusConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mdbusConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/mdbusConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mdbus)
# Relocatable: the .pc files find the prefix relative to themselves, so an install
# with --prefix (or DESTDIR) elsewhere still resolves.
file(RELATIVE_PATH MDBUS_PC_RELPREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" MDBUS_PC_RELPREFIX "${MDBUS_PC_RELPREFIX}")
foreach(pc mdbus mdbus-writer)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
