// Retention: which snapshots a keep-last/hourly/daily/weekly/monthly policy
// keeps, with restic's meaning, over UTC times. Pure; throws pmxsnap::Error
// for a policy without any rule or with a negative count.
#pragma once

#include "pmxsnap/util/time.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::repo {

// last_good is not a policy's choice: the newest snapshot whose state is
// good is always kept, whatever the counts (after an incident the newest
// ones are the damage; the reference must survive the nightly prune).
enum class RetentionRule { last, hourly, daily, weekly, monthly, last_good };

// "last", "hourly", "daily", "weekly", "monthly", "last-good": the names
// reports use.
std::string_view rule_name(RetentionRule rule);

// A count of 0 leaves the rule out, so a command line can switch off a
// default from the config file.
struct RetentionPolicy {
    int keep_last = 0;
    int keep_hourly = 0;
    int keep_daily = 0;
    int keep_weekly = 0;
    int keep_monthly = 0;

    bool has_rule() const;
};

struct DatedSnapshot {
    UnixSeconds time = 0;
    std::string id;    // names the snapshot in the decision; unique per input
    bool good = false; // its signed index says its state is good
};

struct RetentionDecision {
    UnixSeconds time = 0;
    std::string id;
    std::vector<RetentionRule> kept_by; // every rule that keeps it; empty: remove

    bool kept() const { return !kept_by.empty(); }
};

// One decision per snapshot, newest first; the input may come in any order.
// Each rule keeps the newest snapshot of each of its N most recent periods
// that have one (keep-last: the N newest); a snapshot is kept if any rule
// keeps it, so the newest is always kept; and so is the newest good one.
std::vector<RetentionDecision> apply_retention(std::vector<DatedSnapshot> snapshots,
                                               const RetentionPolicy& policy);

} // namespace pmxsnap::repo
