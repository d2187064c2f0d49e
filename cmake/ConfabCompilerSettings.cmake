# SPDX-License-Identifier: MIT
# One interface target that every Confab target links: warnings, and Qt's strictness macros,
# each of which turns a class of quiet bugs (implicit ASCII casts, narrowing in connect(),
# Q_FOREACH copies, keyword clashes) into a compile error.
add_library(confab_compiler_settings INTERFACE)
target_compile_features(confab_compiler_settings INTERFACE cxx_std_20)
target_compile_definitions(confab_compiler_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    QT_USE_QSTRINGBUILDER
    CONFAB_VERSION="${PROJECT_VERSION}")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(confab_compiler_settings INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
        -Woverloaded-virtual -Wimplicit-fallthrough)
elseif(MSVC)
    target_compile_options(confab_compiler_settings INTERFACE /W4 /permissive- /utf-8)
endif()

# Sanitizers on demand: -DCONFAB_SANITIZE=address,undefined
set(CONFAB_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for every Confab target")
if(CONFAB_SANITIZE)
    target_compile_options(confab_compiler_settings INTERFACE
        -fsanitize=${CONFAB_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(confab_compiler_settings INTERFACE -fsanitize=${CONFAB_SANITIZE})
endif()

# Fuzzing instruments every Confab library, not just the fuzz targets, so that coverage
# guidance reaches into the decoders.
if(CONFAB_FUZZ)
    target_compile_options(confab_compiler_settings INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    target_link_options(confab_compiler_settings INTERFACE -fsanitize=address,undefined)
endif()
