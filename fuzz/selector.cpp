// Archive selectors come from the operator's command line and from scripts:
// parse_selector takes any bytes, gives a selector or a one-line problem
// (never both, never neither), and what it accepts as `latest` is exactly
// the grammar: the text is "latest" or "latest-good" followed by its
// @NODE and ~K parts.
#include "pmxsnap/repo/selector.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = pmxsnap::repo::parse_selector(text);
    if (parsed.selector.has_value() == !parsed.problem.empty())
        std::abort();
    if (!parsed.selector) {
        if (parsed.problem.find('\n') != std::string::npos || parsed.problem.size() > 600)
            std::abort();
        return 0;
    }
    const auto& s = *parsed.selector;
    if (s.text != text)
        std::abort();
    if (s.kind == pmxsnap::repo::Selector::Kind::latest) {
        if (s.back > pmxsnap::repo::max_selector_back)
            std::abort();
        // Both spellings rebuild one of the two orders the text may use.
        std::string base = s.good ? "latest-good" : "latest";
        std::string node = s.node.empty() ? "" : "@" + s.node;
        std::string rest(text.substr(base.size()));
        bool found = false;
        for (std::size_t zeros = 0; zeros <= 6 && !found; ++zeros) {
            std::string k;
            if (rest.find('~') != std::string::npos)
                k = "~" + std::string(zeros, '0') + fmt::format("{}", s.back);
            found = rest == node + k || rest == k + node;
        }
        if (!found)
            std::abort();
    } else if (s.path.string() != text) {
        std::abort();
    }
    return 0;
}
