# Install rules and the package config for find_package(bgtasks CONFIG).
install(EXPORT bgtasksTargets NAMESPACE bgtasks:: FILE bgtasksTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/bgtasks)
if(TARGET bgtasks::redis)
  set(BG_HAVE_REDIS TRUE)
else()
  set(BG_HAVE_REDIS FALSE)
endif()
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/bgtasksConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/bgtasksConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/bgtasks)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/bgtasksConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/bgtasksConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/bgtasksConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/BgGenerateTasks.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/bgtasks)
