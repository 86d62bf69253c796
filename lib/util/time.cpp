#include "pmxsnap/util/time.hpp"

#include <fmt/format.h>

#include <ctime>

namespace pmxsnap {
namespace {

std::tm to_utc(UnixSeconds t) {
    std::time_t seconds = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return tm;
}

std::optional<UnixSeconds> parse_with(const std::string& text, const char* format) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end == nullptr || *end != '\0')
        return std::nullopt;
    return static_cast<UnixSeconds>(timegm(&tm));
}

} // namespace

// "1h30m": digits and a unit, repeated; at most ten years in all.
std::optional<UnixSeconds> parse_age(const std::string& text) {
    constexpr UnixSeconds most = 10LL * 366 * 86400;
    UnixSeconds total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        UnixSeconds n = 0;
        std::size_t digits = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 10; ++i, ++digits)
            n = n * 10 + (text[i] - '0');
        if (digits == 0 || i == text.size())
            return std::nullopt;
        UnixSeconds unit = 0;
        switch (text[i++]) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = UnixSeconds{7} * 86400;
            break;
        default:
            return std::nullopt;
        }
        if (n > most / unit || total + n * unit > most)
            return std::nullopt;
        total += n * unit;
    }
    if (text.empty())
        return std::nullopt;
    return total;
}

std::string format_age(UnixSeconds seconds) {
    if (seconds < 0)
        return fmt::format("-{}", format_age(-seconds));
    if (seconds < 60)
        return std::to_string(seconds) + "s";
    if (seconds < 3600)
        return std::to_string(seconds / 60) + "m";
    if (seconds < 86400)
        return std::to_string(seconds / 3600) + "h " + std::to_string(seconds % 3600 / 60) + "m";
    return std::to_string(seconds / 86400) + "d " + std::to_string(seconds % 86400 / 3600) + "h";
}

namespace {

// strptime skips blanks and takes one-digit fields; the shapes are checked
// first so that only what the grammar says is accepted.
bool has_shape(const std::string& text, std::string_view shape) {
    if (text.size() != shape.size())
        return false;
    for (std::size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == '9' ? !(text[i] >= '0' && text[i] <= '9') : text[i] != shape[i])
            return false;
    return true;
}

} // namespace

std::optional<UnixSeconds> parse_moment(const std::string& text, UnixSeconds now) {
    std::optional<UnixSeconds> time;
    if (has_shape(text, "9999-99-99T99:99:99Z"))
        time = parse_with(text, "%Y-%m-%dT%H:%M:%SZ");
    else if (has_shape(text, "9999-99-99T99:99Z"))
        time = parse_with(text, "%Y-%m-%dT%H:%MZ");
    else if (has_shape(text, "9999-99-99"))
        time = parse_with(text, "%Y-%m-%d");
    if (time) // timegm moves 2026-02-31 to March: a date that is not one is refused
        return iso8601_utc(*time).starts_with(text.substr(0, 16)) ? time : std::nullopt;
    if (text.size() >= 4 && text[4] == '-')
        return std::nullopt;
    auto age = parse_age(text);
    if (!age)
        return std::nullopt;
    return now - *age;
}

std::string compact_utc_stamp(UnixSeconds t) {
    auto tm = to_utc(t);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string iso8601_utc(UnixSeconds t) {
    auto tm = to_utc(t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<UnixSeconds> parse_compact_utc_stamp(const std::string& stamp) {
    if (stamp.size() != 16)
        return std::nullopt;
    return parse_with(stamp, "%Y%m%dT%H%M%SZ");
}

std::optional<UnixSeconds> parse_iso8601_utc(const std::string& text) {
    return parse_with(text, "%Y-%m-%dT%H:%M:%SZ");
}

} // namespace pmxsnap
