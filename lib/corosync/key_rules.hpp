// What corosync 3.1's parser checks of a key while it reads the file: which
// keys are integers and their range, which take one of a fixed set of
// values, and the names icmap accepts. Private to lib/corosync (parser.cpp).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>

namespace pmxsnap::corosync::detail {

// The ranges of corosync's integer types.
inline constexpr std::uint64_t u8 = 255, u16 = 65535, u32 = 4294967295ULL,
                               u64 = std::numeric_limits<std::uint64_t>::max();

struct IntegerKey {
    std::string_view suffix; // matched against the end of the dotted path
    std::uint64_t max;
};

struct EnumeratedKey {
    std::string_view path;
    std::initializer_list<std::string_view> allowed;
    std::string_view message;
};

// The integer key at this dotted path, if it is one (nodelist.node.*.nodeid...).
const IntegerKey* integer_key(std::string_view path);
// The key at this dotted path that takes one of a fixed set, if it is one.
const EnumeratedKey* enumerated_key(std::string_view path);
// corosync stores every item in icmap, whose key names are 3..255
// characters of [A-Za-z0-9._/-]; anything else fails while parsing.
bool is_icmap_name(std::string_view name);
// A decimal unsigned as corosync's strtoull reads it ('+' allowed), up to max.
std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max);

} // namespace pmxsnap::corosync::detail
