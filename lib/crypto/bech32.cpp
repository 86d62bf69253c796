// Written by hand: Debian 12 packages no C or C++ Bech32 library, and the
// codec is a page of arithmetic fixed by BIP 173.
#include "pmxsnap/crypto/bech32.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace pmxsnap::crypto {
namespace {

constexpr std::string_view charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
    constexpr std::array<std::uint32_t, 5> generator = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                        0x3d4233dd, 0x2a1462b3};
    std::uint32_t check = 1;
    for (auto value : values) {
        auto top = check >> 25;
        check = ((check & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; ++i)
            if ((top >> i) & 1)
                check ^= generator[i];
    }
    return check;
}

std::vector<std::uint8_t> expanded_hrp(std::string_view hrp) {
    std::vector<std::uint8_t> out;
    for (char c : hrp)
        out.push_back(static_cast<std::uint8_t>(c) >> 5);
    out.push_back(0);
    for (char c : hrp)
        out.push_back(static_cast<std::uint8_t>(c) & 31);
    return out;
}

// Regroups bits; from 5 to 8 bits the leftover must be zero padding shorter
// than a group (a non-canonical encoding is malformed).
std::optional<std::vector<std::uint8_t>> regroup(const std::vector<std::uint8_t>& in, int from,
                                                 int to, bool pad) {
    std::uint32_t accumulator = 0;
    int bits = 0;
    std::vector<std::uint8_t> out;
    const std::uint32_t mask = (1u << to) - 1;
    for (auto value : in) {
        accumulator = (accumulator << from) | value;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out.push_back(static_cast<std::uint8_t>((accumulator >> bits) & mask));
        }
    }
    if (pad) {
        if (bits > 0)
            out.push_back(static_cast<std::uint8_t>((accumulator << (to - bits)) & mask));
    } else if (bits >= from || ((accumulator << (to - bits)) & mask) != 0) {
        return std::nullopt;
    }
    return out;
}

} // namespace

std::string encode_bech32(std::string_view hrp, const std::vector<std::uint8_t>& data) {
    auto values = *regroup(data, 8, 5, true);
    auto checked = expanded_hrp(hrp);
    checked.insert(checked.end(), values.begin(), values.end());
    checked.insert(checked.end(), 6, 0);
    auto check = polymod(checked) ^ 1;
    std::string out(hrp);
    out += '1';
    for (auto value : values)
        out += charset[value];
    for (int i = 0; i < 6; ++i)
        out += charset[(check >> (5 * (5 - i))) & 31];
    return out;
}

std::optional<Bech32> decode_bech32(std::string_view text) {
    bool lower = false, upper = false;
    for (char c : text) {
        if (c < 33 || c > 126)
            return std::nullopt;
        lower |= std::islower(static_cast<unsigned char>(c)) != 0;
        upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
    }
    if (lower && upper)
        return std::nullopt;
    auto separator = text.rfind('1');
    if (separator == std::string_view::npos || separator == 0 || separator + 7 > text.size())
        return std::nullopt;
    std::string hrp(text.substr(0, separator));
    std::transform(hrp.begin(), hrp.end(), hrp.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::vector<std::uint8_t> values;
    for (char c : text.substr(separator + 1)) {
        auto position =
            charset.find(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        if (position == std::string_view::npos)
            return std::nullopt;
        values.push_back(static_cast<std::uint8_t>(position));
    }
    auto checked = expanded_hrp(hrp);
    checked.insert(checked.end(), values.begin(), values.end());
    if (polymod(checked) != 1)
        return std::nullopt;
    values.resize(values.size() - 6);
    auto data = regroup(values, 5, 8, false);
    if (!data)
        return std::nullopt;
    return Bech32{hrp, std::move(*data)};
}

} // namespace pmxsnap::crypto
