// Evidence that a corosync.conf copy was cut short — the seed's incident:
// disk trouble truncates /etc/corosync/corosync.conf and corosync fails with
// a parse error that looks like "cluster weirdness". Each piece of evidence
// is a value with a sentence an operator acts on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::corosync {

struct TruncationEvidence {
    std::string id; // ends-inside-section, unbalanced-braces, last-line-cut, prefix-of-other,
                    // shorter-nodelist
    std::string message;
};

// Evidence within one copy.
std::vector<TruncationEvidence> truncation_evidence(std::string_view text);

// Evidence from comparing a copy with another copy of the same file (the
// cluster-wide /etc/pve/corosync.conf, or the last snapshot's).
std::vector<TruncationEvidence> truncation_evidence(std::string_view text, std::string_view other,
                                                    std::string_view other_name);

} // namespace pmxsnap::corosync
