#include "pmxsnap/repo/retention.hpp"

#include "pmxsnap/util/error.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>

namespace pmxsnap::repo {
namespace {

using namespace std::chrono;

// ISO 8601 week as year * 100 + week: the week belongs to the year of its
// Thursday, so 2027-01-01 (a Friday) is in week 53 of 2026.
std::int64_t iso_week(sys_days day) {
    auto thursday = day + days{4 - static_cast<int>(weekday{day}.iso_encoding())};
    auto iso_year = year_month_day{thursday}.year();
    auto week = (thursday - sys_days{iso_year / January / 1}).count() / 7 + 1;
    return static_cast<std::int64_t>(static_cast<int>(iso_year)) * 100 + week;
}

std::int64_t month_number(sys_days day) {
    year_month_day date{day};
    return static_cast<std::int64_t>(static_cast<int>(date.year())) * 12 +
           static_cast<unsigned>(date.month()) - 1;
}

// The period a snapshot falls in for a rule; keep-last gives every snapshot
// a period of its own (its position), as restic does.
std::int64_t period_of(RetentionRule rule, UnixSeconds time, std::size_t position) {
    sys_seconds at{seconds{time}};
    switch (rule) {
    case RetentionRule::last:
        return static_cast<std::int64_t>(position);
    case RetentionRule::hourly:
        return floor<hours>(at).time_since_epoch().count();
    case RetentionRule::daily:
        return floor<days>(at).time_since_epoch().count();
    case RetentionRule::weekly:
        return iso_week(floor<days>(at));
    case RetentionRule::monthly:
        return month_number(floor<days>(at));
    case RetentionRule::last_good:
        break;
    }
    return 0;
}

struct RuleState {
    RetentionRule rule;
    int remaining;
    std::optional<std::int64_t> last_period;
};

std::vector<RuleState> rule_states(const RetentionPolicy& policy) {
    const std::array<std::pair<RetentionRule, int>, 5> counts = {{
        {RetentionRule::last, policy.keep_last},
        {RetentionRule::hourly, policy.keep_hourly},
        {RetentionRule::daily, policy.keep_daily},
        {RetentionRule::weekly, policy.keep_weekly},
        {RetentionRule::monthly, policy.keep_monthly},
    }};
    std::vector<RuleState> states;
    for (auto [rule, count] : counts) {
        if (count < 0)
            fail("--keep-{} {}: must be 0 or more", rule_name(rule), count);
        if (count > 0)
            states.push_back({rule, count, std::nullopt});
    }
    return states;
}

} // namespace

std::string_view rule_name(RetentionRule rule) {
    switch (rule) {
    case RetentionRule::last:
        return "last";
    case RetentionRule::hourly:
        return "hourly";
    case RetentionRule::daily:
        return "daily";
    case RetentionRule::weekly:
        return "weekly";
    case RetentionRule::monthly:
        return "monthly";
    case RetentionRule::last_good:
        return "last-good";
    }
    return "?";
}

bool RetentionPolicy::has_rule() const {
    return keep_last > 0 || keep_hourly > 0 || keep_daily > 0 || keep_weekly > 0 ||
           keep_monthly > 0;
}

std::vector<RetentionDecision> apply_retention(std::vector<DatedSnapshot> snapshots,
                                               const RetentionPolicy& policy) {
    auto states = rule_states(policy);
    // Refused rather than read as "keep nothing": a forgotten option must not
    // empty a repository.
    if (states.empty())
        fail("no retention rule: give at least one --keep-last, --keep-hourly, --keep-daily, "
             "--keep-weekly or --keep-monthly above 0");
    // Newest first, so the first snapshot met in a period is that period's
    // newest; ties broken by id so the result does not depend on input order.
    std::sort(snapshots.begin(), snapshots.end(), [](const auto& a, const auto& b) {
        return a.time != b.time ? a.time > b.time : a.id > b.id;
    });
    std::vector<RetentionDecision> decisions;
    decisions.reserve(snapshots.size());
    bool good_kept = false;
    for (std::size_t position = 0; position < snapshots.size(); ++position) {
        auto& snapshot = snapshots[position];
        RetentionDecision decision{snapshot.time, std::move(snapshot.id), {}};
        if (snapshot.good && !good_kept) {
            decision.kept_by.push_back(RetentionRule::last_good);
            good_kept = true;
        }
        for (auto& state : states) {
            auto period = period_of(state.rule, decision.time, position);
            if (state.remaining > 0 && period != state.last_period) {
                decision.kept_by.push_back(state.rule);
                state.last_period = period;
                --state.remaining;
            }
        }
        decisions.push_back(std::move(decision));
    }
    return decisions;
}

} // namespace pmxsnap::repo
