#include "catch.hpp"

#include "pmxsnap/repo/retention.hpp"
#include "pmxsnap/util/error.hpp"

#include <time.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

using namespace pmxsnap;
using namespace pmxsnap::repo;

namespace {

UnixSeconds at(const std::string& iso) {
    return *parse_iso8601_utc(iso);
}

std::vector<DatedSnapshot> dated(const std::vector<UnixSeconds>& times) {
    std::vector<DatedSnapshot> out;
    for (auto t : times)
        out.push_back({t, compact_utc_stamp(t), false});
    return out;
}

std::set<std::string> kept_ids(const std::vector<RetentionDecision>& decisions) {
    std::set<std::string> out;
    for (const auto& d : decisions)
        if (d.kept())
            out.insert(d.id);
    return out;
}

std::map<std::string, std::string> reasons_by_id(const std::vector<RetentionDecision>& decisions) {
    std::map<std::string, std::string> out;
    for (const auto& d : decisions) {
        std::string text;
        for (auto rule : d.kept_by) {
            if (!text.empty())
                text += ',';
            text += rule_name(rule);
        }
        if (!text.empty())
            out[d.id] = text;
    }
    return out;
}

// The reference: periods named by strftime (%G%V is the C library's ISO
// week, not retention.cpp's arithmetic), grouped, the N periods with the
// newest snapshots taken, the newest of each kept.
std::string period_name(const char* format, UnixSeconds t) {
    std::time_t seconds = t;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

std::map<std::string, std::string> reference_reasons(const std::vector<UnixSeconds>& times,
                                                     const RetentionPolicy& policy) {
    std::vector<UnixSeconds> newest_first(times);
    std::sort(newest_first.rbegin(), newest_first.rend());
    std::map<UnixSeconds, std::vector<std::string>> kept;
    auto keep_by_period = [&](const char* rule, const char* format, int count) {
        std::map<std::string, UnixSeconds> newest_of_period;
        for (auto t : newest_first)
            newest_of_period.emplace(format ? period_name(format, t) : std::to_string(t), t);
        std::vector<UnixSeconds> newest;
        for (const auto& [period, t] : newest_of_period)
            newest.push_back(t);
        std::sort(newest.rbegin(), newest.rend());
        for (int i = 0; i < count && i < static_cast<int>(newest.size()); ++i)
            kept[newest[i]].push_back(rule);
    };
    keep_by_period("last", nullptr, policy.keep_last);
    keep_by_period("hourly", "%Y%m%d%H", policy.keep_hourly);
    keep_by_period("daily", "%Y%m%d", policy.keep_daily);
    keep_by_period("weekly", "%G%V", policy.keep_weekly);
    keep_by_period("monthly", "%Y%m", policy.keep_monthly);
    std::map<std::string, std::string> out;
    for (const auto& [t, rules] : kept) {
        std::string text;
        for (const auto& rule : rules)
            text += (text.empty() ? "" : ",") + rule;
        out[compact_utc_stamp(t)] = text;
    }
    return out;
}

std::vector<UnixSeconds> hourly_for_two_years() {
    std::vector<UnixSeconds> times;
    auto start = at("2025-01-01T00:17:00Z");
    for (int hour = 0; hour < 2 * 365 * 24; ++hour)
        times.push_back(start + hour * 3600);
    return times;
}

} // namespace

TEST_CASE("a policy without a rule is refused, never read as keep nothing") {
    auto snapshots = dated({at("2026-11-25T10:00:00Z")});
    CHECK_THROWS_WITH(apply_retention(snapshots, {}),
                      Catch::Matchers::ContainsSubstring("no retention rule"));
    RetentionPolicy zeros{0, 0, 0, 0, 0};
    CHECK_FALSE(zeros.has_rule());
    CHECK_THROWS_AS(apply_retention(snapshots, zeros), Error);
    RetentionPolicy negative;
    negative.keep_last = 3;
    negative.keep_daily = -1;
    CHECK_THROWS_WITH(apply_retention(snapshots, negative),
                      Catch::Matchers::ContainsSubstring("--keep-daily -1: must be 0 or more"));
}

TEST_CASE("no snapshots: no decisions") {
    RetentionPolicy policy;
    policy.keep_last = 1;
    CHECK(apply_retention({}, policy).empty());
}

TEST_CASE("keep-last keeps the N newest whatever the input order") {
    std::vector<UnixSeconds> times;
    for (int i = 0; i < 10; ++i)
        times.push_back(at("2026-11-25T00:00:00Z") + i * 60);
    std::shuffle(times.begin(), times.end(), std::mt19937(7));
    RetentionPolicy policy;
    policy.keep_last = 3;
    auto decisions = apply_retention(dated(times), policy);
    REQUIRE(decisions.size() == 10);
    CHECK(decisions.front().id == "20261125T000900Z");
    CHECK(decisions.back().id == "20261125T000000Z");
    CHECK(kept_ids(decisions) ==
          std::set<std::string>{"20261125T000900Z", "20261125T000800Z", "20261125T000700Z"});
    policy.keep_last = 50;
    CHECK(kept_ids(apply_retention(dated(times), policy)).size() == 10);
}

TEST_CASE("a period rule keeps the newest of each of the N most recent periods that have one") {
    auto times = std::vector<UnixSeconds>{
        at("2026-11-25T10:05:00Z"), at("2026-11-25T10:55:00Z"), // hour 10: two
        at("2026-11-25T08:30:00Z"),                             // hour 9 has none
        at("2026-11-24T23:59:59Z"), at("2026-11-25T00:00:00Z"), // midnight UTC splits days
    };
    RetentionPolicy hourly;
    hourly.keep_hourly = 3;
    CHECK(reasons_by_id(apply_retention(dated(times), hourly)) ==
          std::map<std::string, std::string>{{"20261125T105500Z", "hourly"},
                                             {"20261125T083000Z", "hourly"},
                                             {"20261125T000000Z", "hourly"}});
    RetentionPolicy daily;
    daily.keep_daily = 5;
    CHECK(reasons_by_id(apply_retention(dated(times), daily)) ==
          std::map<std::string, std::string>{{"20261125T105500Z", "daily"},
                                             {"20261124T235959Z", "daily"}});
}

TEST_CASE("rules are ORed and every rule that keeps a snapshot is reported") {
    auto times = std::vector<UnixSeconds>{at("2026-10-31T12:00:00Z"), at("2026-11-24T12:00:00Z"),
                                          at("2026-11-25T09:00:00Z"), at("2026-11-25T10:00:00Z")};
    RetentionPolicy policy;
    policy.keep_last = 1;
    policy.keep_hourly = 2;
    policy.keep_daily = 2;
    policy.keep_monthly = 2;
    CHECK(reasons_by_id(apply_retention(dated(times), policy)) ==
          std::map<std::string, std::string>{
              {"20261125T100000Z", "last,hourly,daily,monthly"},
              {"20261125T090000Z", "hourly"},
              {"20261124T120000Z", "daily"},
              {"20261031T120000Z", "monthly"},
          });
}

TEST_CASE("weeks are ISO weeks in UTC, across a year's end") {
    RetentionPolicy policy;
    policy.keep_weekly = 2;
    // 2026 has 53 ISO weeks: Mon 2026-12-28 .. Sun 2027-01-03 is 2026-W53.
    auto decisions = apply_retention(
        dated({at("2026-12-27T23:00:00Z"), at("2026-12-28T00:00:00Z"), at("2027-01-03T23:59:59Z")}),
        policy);
    CHECK(kept_ids(decisions) == std::set<std::string>{"20270103T235959Z", "20261227T230000Z"});
    // Mon 2024-12-30 already belongs to 2025-W01.
    decisions = apply_retention(
        dated({at("2024-12-29T12:00:00Z"), at("2024-12-30T12:00:00Z"), at("2025-01-05T12:00:00Z")}),
        policy);
    CHECK(kept_ids(decisions) == std::set<std::string>{"20250105T120000Z", "20241229T120000Z"});
}

TEST_CASE("two years of hourly snapshots: the acceptance policy and others match the reference") {
    auto times = hourly_for_two_years();
    REQUIRE(times.size() == 17520);
    const std::vector<RetentionPolicy> policies = {
        {24, 48, 14, 8, 12}, {0, 0, 7, 0, 0},    {1, 0, 0, 0, 0},
        {0, 0, 0, 5, 3},     {0, 100, 0, 0, 24}, {3, 0, 30, 52, 0},
    };
    for (const auto& policy : policies) {
        auto decisions = apply_retention(dated(times), policy);
        REQUIRE(decisions.size() == times.size());
        CHECK(reasons_by_id(decisions) == reference_reasons(times, policy));
        CHECK(decisions.front().id == compact_utc_stamp(times.back()));
        CHECK(decisions.front().kept());
    }
    auto acceptance = kept_ids(apply_retention(dated(times), {24, 48, 14, 8, 12}));
    // The 48 hours hold the 24 last and 2 of the 14 days; the days hold 3 of
    // the 8 weeks (Thu 2026-12-31, Sun 12-27 and 12-20); the weeks hold none
    // of the month ends but December's.
    CHECK(acceptance.size() == 48 + 12 + 5 + 11);
}

TEST_CASE("random histories: the newest is always kept, each rule keeps min(N, periods)") {
    std::mt19937 random(20261125);
    for (int round = 0; round < 200; ++round) {
        std::vector<UnixSeconds> times;
        auto t = at("2026-01-01T00:00:00Z");
        auto count = std::uniform_int_distribution<int>(1, 300)(random);
        for (int i = 0; i < count; ++i) {
            t += std::uniform_int_distribution<int>(1, 3 * 86400)(random);
            times.push_back(t);
        }
        std::uniform_int_distribution<int> rule_count(0, 20);
        RetentionPolicy policy{rule_count(random), rule_count(random), rule_count(random),
                               rule_count(random), rule_count(random)};
        if (!policy.has_rule())
            policy.keep_monthly = 1;
        std::shuffle(times.begin(), times.end(), random);
        auto decisions = apply_retention(dated(times), policy);
        INFO("round " << round);
        REQUIRE(decisions.front().kept());
        CHECK(reasons_by_id(decisions) == reference_reasons(times, policy));
    }
}

TEST_CASE("retention: the newest good snapshot is always kept, whatever the counts") {
    // After an incident the automation's newest snapshots are the damage
    // (bad); keep-last 1 alone would remove the reference.
    auto snapshots = dated({at("2026-11-25T01:00:00Z"), at("2026-11-25T02:00:00Z"),
                            at("2026-11-25T03:00:00Z"), at("2026-11-25T04:00:00Z")});
    snapshots[0].good = true;
    snapshots[1].good = true;
    RetentionPolicy last_one;
    last_one.keep_last = 1;
    auto reasons = reasons_by_id(apply_retention(snapshots, last_one));
    CHECK(reasons == std::map<std::string, std::string>{{"20261125T040000Z", "last"},
                                                        {"20261125T020000Z", "last-good"}});
    // When the newest is good, it is kept by both and nothing else is added.
    snapshots[3].good = true;
    reasons = reasons_by_id(apply_retention(snapshots, last_one));
    CHECK(reasons == std::map<std::string, std::string>{{"20261125T040000Z", "last-good,last"}});
    // No good snapshot at all: the policy alone decides.
    for (auto& s : snapshots)
        s.good = false;
    CHECK(kept_ids(apply_retention(snapshots, last_one)) ==
          std::set<std::string>{"20261125T040000Z"});
}
