// One level of trust in an archive and how it came out (see
// verify_archive.hpp for the levels).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::trust {

enum class Status { ok, failed, skipped };
std::string to_string(Status status);

struct LevelResult {
    LevelResult(std::string level_, Status status_, std::string detail_)
        : level(std::move(level_))
        , status(status_)
        , detail(std::move(detail_)) {}
    std::string level; // "signature", "content", "restorable"
    Status status = Status::skipped;
    std::string detail;
    std::vector<std::string> problems; // every problem found, detail names the first
    std::vector<std::string> warnings; // what holds but is worth knowing (pmxcfs write limits)
    std::optional<double> seconds;     // how long it took, where that is news (the drill)
};

} // namespace pmxsnap::trust
