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

TEST_CASE("parse_moment, for --before: ages before now and UTC times, nothing else") {
    const pmxsnap::UnixSeconds now = 1795579200; // 2026-11-25T04:00:00Z
    CHECK(pmxsnap::parse_moment("90s", now) == now - 90);
    CHECK(pmxsnap::parse_moment("2h", now) == now - 7200);
    CHECK(pmxsnap::parse_moment("1h30m", now) == now - 5400);
    CHECK(pmxsnap::parse_moment("1w1d", now) == now - 8 * 86400);
    CHECK(pmxsnap::parse_moment("2026-11-25T03:00:00Z", now) == now - 3600);
    CHECK(pmxsnap::parse_moment("2026-11-25T03:30Z", now) == now - 1800);
    CHECK(pmxsnap::parse_moment("2026-11-25", now) == now - 4 * 3600);
    for (const char* bad : {"", "2", "h", "2x", "2h ", " 2h", "-2h", "2H", "2026-02-31",
                            "2026-13-01", "2026-11-25T3:00:00Z", "2026-11-25T03:00:00",
                            "2026-11-25 03:00", "99999999999w", "4000w", "1.5h"})
        CHECK_FALSE(pmxsnap::parse_moment(bad, now));
}
