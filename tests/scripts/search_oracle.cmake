# search: compares generator/search's index with the one real lunr 2.3.9
# builds for the committed test documents (bytes, structure and search
# results). Registered only when node and Debian's node-lunr are installed;
# otherwise skipped cleanly (the unit tests' committed goldens still run).
find_program(NODE node)
set(DOSSIER_NODE_LUNR "")
foreach(candidate /usr/share/nodejs/lunr/lunr.js /usr/share/nodejs/lunr/index.js)
  if(NOT DOSSIER_NODE_LUNR AND EXISTS "${candidate}")
    set(DOSSIER_NODE_LUNR "${candidate}")
  endif()
endforeach()

if(NODE AND DOSSIER_NODE_LUNR AND TARGET lunr_index)
  add_test(NAME search.lunr_compare
           COMMAND ${NODE} ${CMAKE_CURRENT_LIST_DIR}/lunr_compare.js
                   --lunr ${DOSSIER_NODE_LUNR} --tool $<TARGET_FILE:lunr_index>
                   ${CMAKE_CURRENT_SOURCE_DIR}/data/search/traps-docs.json
                   ${CMAKE_CURRENT_SOURCE_DIR}/data/search/sample40-docs.json
                   ${CMAKE_CURRENT_SOURCE_DIR}/data/search/extras-docs.json
                   ${CMAKE_CURRENT_SOURCE_DIR}/data/search/threaded-docs.json)
  set_tests_properties(search.lunr_compare PROPERTIES LABELS "search" SKIP_RETURN_CODE 77 TIMEOUT 120)
else()
  message(STATUS "search: node or Debian node-lunr (/usr/share/nodejs/lunr) not found; search.lunr_compare skipped")
endif()
