#include "catch.hpp"

#include "pmxsnap/util/time.hpp"

using namespace pmxsnap;

TEST_CASE("UTC stamps round-trip") {
    UnixSeconds t = 1764066600; // 2025-11-25T10:30:00Z
    CHECK(compact_utc_stamp(t) == "20251125T103000Z");
    CHECK(iso8601_utc(t) == "2025-11-25T10:30:00Z");
    CHECK(parse_compact_utc_stamp("20251125T103000Z") == t);
    CHECK(parse_iso8601_utc("2025-11-25T10:30:00Z") == t);
    CHECK_FALSE(parse_compact_utc_stamp("20251125T1030Z"));
    CHECK_FALSE(parse_compact_utc_stamp("garbage-garbage!"));
}
