# SPDX-License-Identifier: MIT
# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "DEB")
    # CPackDeb would put the shared summary in front of every package's own description;
    # each package carries its own synopsis line (CPACK_DEBIAN_<GROUP>_DESCRIPTION) instead.
    unset(CPACK_PACKAGE_DESCRIPTION_SUMMARY)
endif()
