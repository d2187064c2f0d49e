# SPDX-License-Identifier: MIT
# Qt6::Test is found at the top level with the other Qt components.

# confab_add_test(NAME tst_foo SOURCES tst_foo.cpp LIBS ConfabProtocol [ENVIRONMENT A=B ...] [TIMEOUT s])
# One Qt Test executable and its ctest entry. Tests run offscreen and with Confab's debug
# logging off, so failures print only what matters.
function(confab_add_test)
    cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;LIBS;ENVIRONMENT;LABELS" ${ARGN})
    qt_add_executable(${ARG_NAME} ${ARG_SOURCES})
    target_link_libraries(${ARG_NAME} PRIVATE Qt6::Test confab_compiler_settings ${ARG_LIBS})
    target_compile_definitions(${ARG_NAME} PRIVATE
        CONFAB_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
        CONFAB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        CONFAB_BINARY_DIR="${PROJECT_BINARY_DIR}")
    add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set_tests_properties(${ARG_NAME} PROPERTIES
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${ARG_ENVIRONMENT}")
    if(ARG_LABELS)
        set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}")
    endif()
endfunction()
