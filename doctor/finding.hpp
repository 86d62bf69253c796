// A doctor finding, in the seed's form: what was read (evidence), what it
// means, and the decision — the next thing to do, naming files and commands.
// Checks return findings; the report orders them corosync → quorum → pmxcfs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pmxsnap::doctor {

enum class Status { ok, warn, fail, skip };
enum class Layer { corosync, quorum, pmxcfs, any };

std::string to_string(Status status);
std::string to_string(Layer layer);

struct Finding {
    Finding() = default;
    Finding(std::string id_, Layer layer_, Status status_ = Status::ok)
        : id(std::move(id_))
        , layer(layer_)
        , status(status_) {}

    std::string id; // as in doctor-checks.md: "conf.parse", "auth.authkey", ...
    Layer layer = Layer::any;
    Status status = Status::skip;
    nlohmann::json evidence = nlohmann::json::object();
    std::string meaning;
    std::string decision;
};

Finding skipped(std::string id, Layer layer, std::string why);

// Sets status, meaning and decision at once; returns the finding.
Finding conclude(Finding f, Status status, std::string meaning, std::string decision);

} // namespace pmxsnap::doctor
