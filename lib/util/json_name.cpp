#include "pmxsnap/util/json_name.hpp"

#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace pmxsnap {
namespace {

// The length of the well-formed UTF-8 sequence at text[at] (Unicode 15,
// table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), and
// its code point; 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::size_t at, char32_t* code_point) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    unsigned char first = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (first < 0x80) {
        *code_point = first;
        return 1;
    }
    if (first >= 0xc2 && first <= 0xdf)
        length = 2;
    else if (first >= 0xe0 && first <= 0xef) {
        length = 3;
        if (first == 0xe0)
            low = 0xa0;
        if (first == 0xed)
            high = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
        length = 4;
        if (first == 0xf0)
            low = 0x90;
        if (first == 0xf4)
            high = 0x8f;
    } else {
        return 0;
    }
    if (at + length > text.size())
        return 0;
    char32_t value = first & (0xff >> (length + 1));
    for (std::size_t i = 1; i < length; ++i) {
        unsigned char next = byte(i);
        if (next < (i == 1 ? low : 0x80) || next > (i == 1 ? high : 0xbf))
            return 0;
        value = (value << 6) | (next & 0x3f);
    }
    *code_point = value;
    return length;
}

// Code points that would move or hide text on a terminal: C1 controls, the
// bidirectional controls (Trojan Source), the line and paragraph separators.
bool shown_escaped(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x200e || c == 0x200f ||
           (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

template <typename Json>
void put_name_into(Json& object, const std::string& key, std::string_view name) {
    if (is_utf8(name)) {
        object[key] = std::string(name);
        return;
    }
    object[key] = escape_name(name);
    object[key + "_hex"] = hex_bytes(name);
}

} // namespace

bool is_utf8(std::string_view bytes) {
    char32_t c = 0;
    for (std::size_t at = 0; at < bytes.size();) {
        // ASCII, nearly every name, without the decoder: the manifest writer
        // and reader ask this of every member (262,144 on a maximal db).
        if (static_cast<unsigned char>(bytes[at]) < 0x80) {
            ++at;
            continue;
        }
        auto length = utf8_sequence(bytes, at, &c);
        if (length == 0)
            return false;
        at += length;
    }
    return true;
}

std::string escape_name(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t at = 0; at < bytes.size();) {
        char32_t c = 0;
        auto length = utf8_sequence(bytes, at, &c);
        if (length > 0 && c == '\\') {
            out += "\\\\";
        } else if (length > 0 && !shown_escaped(c)) {
            out.append(bytes.substr(at, length));
        } else {
            // One byte at a time: an escaped sequence of several bytes would
            // otherwise need a second notation.
            length = length == 0 ? 1 : length;
            for (std::size_t i = 0; i < length; ++i)
                out += fmt::format("\\x{:02x}", static_cast<unsigned char>(bytes[at + i]));
        }
        at += length;
    }
    return out;
}

std::optional<std::string> unescape_name(std::string_view text) {
    std::string out;
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (text[at] != '\\') {
            out += text[at];
            continue;
        }
        if (at + 1 < text.size() && text[at + 1] == '\\') {
            out += '\\';
            ++at;
            continue;
        }
        if (at + 3 >= text.size() || text[at + 1] != 'x')
            return std::nullopt;
        int high = hex_digit(text[at + 2]), low = hex_digit(text[at + 3]);
        if (high < 0 || low < 0)
            return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        at += 3;
    }
    return out;
}

std::string hex_bytes(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::optional<std::string> bytes_from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t at = 0; at < hex.size(); at += 2) {
        int high = hex_digit(hex[at]), low = hex_digit(hex[at + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        out += static_cast<char>(high * 16 + low);
    }
    return out;
}

std::string json_plain_name(std::string_view name) {
    return is_utf8(name) ? std::string(name) : escape_name(name);
}

void put_name(nlohmann::json& object, const std::string& key, std::string_view name) {
    put_name_into(object, key, name);
}

void put_name(nlohmann::ordered_json& object, const std::string& key, std::string_view name) {
    put_name_into(object, key, name);
}

std::optional<std::string> name_problem(std::string_view key, const std::string& plain,
                                        const std::optional<std::string>& hex, std::string* name) {
    if (!hex) {
        // A JSON parser hands over valid UTF-8 only; a caller that built the
        // string some other way gets the same rule.
        if (!is_utf8(plain))
            return fmt::format("{} is not UTF-8 and has no {}_hex", key, key);
        *name = plain;
        return std::nullopt;
    }
    auto bytes = bytes_from_hex(*hex);
    if (!bytes)
        return fmt::format("{}_hex is not lowercase hex of whole bytes", key);
    if (is_utf8(*bytes))
        return fmt::format("{}_hex holds a UTF-8 name, which is written as {} alone", key, key);
    if (escape_name(*bytes) != plain)
        return fmt::format("{} and {}_hex disagree", key, key);
    *name = std::move(*bytes);
    return std::nullopt;
}

std::string name_from_json(const nlohmann::json& object, const std::string& key,
                           std::string_view where) {
    auto plain = object.find(key);
    if (plain == object.end() || !plain->is_string())
        fail("{}: {}: expected a string", where, key);
    std::optional<std::string> hex;
    if (auto it = object.find(key + "_hex"); it != object.end()) {
        if (!it->is_string())
            fail("{}: {}_hex: expected a string", where, key);
        hex = it->get_ref<const std::string&>();
    }
    std::string name;
    if (auto problem = name_problem(key, plain->get_ref<const std::string&>(), hex, &name))
        fail("{}: {}", where, *problem);
    return name;
}

} // namespace pmxsnap
