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
