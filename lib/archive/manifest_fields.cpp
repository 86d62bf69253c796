#include "manifest_fields.hpp"

namespace pmxsnap::archive::detail {

unsigned parse_mode(const std::string& text, const std::string& where) {
    unsigned mode = 0;
    if (text.empty() || text.size() > 6)
        fail("MANIFEST.json: {}.mode: '{}' is not an octal mode", where, text);
    for (char c : text) {
        if (c < '0' || c > '7')
            fail("MANIFEST.json: {}.mode: '{}' is not an octal mode", where, text);
        mode = mode * 8 + static_cast<unsigned>(c - '0');
    }
    if (mode > 07777)
        fail("MANIFEST.json: {}.mode: '{}' is not a permission mode", where, text);
    return mode;
}

} // namespace pmxsnap::archive::detail
