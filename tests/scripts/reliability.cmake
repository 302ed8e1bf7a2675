# reliability: the scale test (many tiny articles) runs as its own CTest
# test with the `slow` label and a time bound. Its Catch2 case is hidden
# ("[.]") so catch_discover_tests does not register it a second time.
# 20,000 one-sentence articles by default (the 100,000 figure is measured
# by hand: DOSSIER_SCALE_ARTICLES=100000, see docs/RELIABILITY.md).
if(TARGET unit_tests)
  set(DOSSIER_SCALE_ARTICLES 20000 CACHE STRING "Articles in the reliability.scale test")
  add_test(NAME reliability.scale
           COMMAND unit_tests "reliability: many tiny articles build in bounded time"
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(reliability.scale PROPERTIES
    LABELS "slow;reliability"
    TIMEOUT 600
    ENVIRONMENT "DOSSIER_SCALE_ARTICLES=${DOSSIER_SCALE_ARTICLES};DOSSIER_BINARY=$<TARGET_FILE:dossier>")
endif()
