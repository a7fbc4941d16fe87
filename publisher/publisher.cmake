# mdbus-publisher: the Kraken feed handler (links libwebsockets, OpenSSL, cJSON via
# mdbus_kraken).  The publisher's modules other than main.c form a static library so
# that unit tests and fuzz harnesses link exactly the shipped code.
add_library(mdbus_pub STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/pub_config.c ${CMAKE_CURRENT_SOURCE_DIR}/pub_backoff.c
  ${CMAKE_CURRENT_SOURCE_DIR}/pub_log.c ${CMAKE_CURRENT_SOURCE_DIR}/pub_record.c
  ${CMAKE_CURRENT_SOURCE_DIR}/pub_session.c ${CMAKE_CURRENT_SOURCE_DIR}/pub_feed.c
  ${CMAKE_CURRENT_SOURCE_DIR}/pub_ws.c)
target_include_directories(mdbus_pub PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(mdbus_pub PUBLIC mdbus_writer_static mdbus_kraken PkgConfig::LWS OpenSSL::SSL OpenSSL::Crypto)

add_executable(mdbus-publisher ${CMAKE_CURRENT_SOURCE_DIR}/main.c)
target_link_libraries(mdbus-publisher PRIVATE mdbus_pub)
install(TARGETS mdbus-publisher RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
