#pragma once

// The tests are written to Catch2 v3's API (Debian 13 ships 3.7). Debian 12
// ships only Catch2 v2, so there this header gives the few v3 names the tests
// use their v2 spelling; nothing else differs for them.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#include <string>

namespace Catch::Matchers {
inline StdString::ContainsMatcher
ContainsSubstring(const std::string& text, CaseSensitive::Choice sensitivity = CaseSensitive::Yes) {
    return Contains(text, sensitivity);
}
} // namespace Catch::Matchers
#endif
