#include "manifest_document.hpp"

#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

namespace pmxsnap::archive::detail {
namespace {

std::string health_text(const Json& value, const std::string& where) {
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
        fail("MANIFEST.json: {}: expected a non-empty string", where);
    return value.get<std::string>();
}

const Json& health_array(const Fields& health, const char* key) {
    const auto& value = health.get(key);
    if (!value.is_array())
        fail("MANIFEST.json: health.{}: expected an array", key);
    return value;
}

// The verdict and its reasons agree: bad has at least one, good none.
Health parse_health(const Json& json) {
    Fields fields(json, "health");
    Health health;
    health.verdict = fields.text("verdict");
    if (health.verdict != "good" && health.verdict != "bad")
        fail("MANIFEST.json: health.verdict: '{}' is neither good nor bad",
             escape_name(health.verdict));
    const auto& problems = health_array(fields, "problems");
    for (std::size_t i = 0; i < problems.size(); ++i) {
        auto where = fmt::format("health.problems[{}]", i);
        Fields problem(problems[i], where);
        health.problems.push_back({health_text(problem.get("id"), where + ".id"),
                                   health_text(problem.get("message"), where + ".message")});
    }
    const auto& notes = health_array(fields, "notes");
    for (std::size_t i = 0; i < notes.size(); ++i)
        health.notes.push_back(health_text(notes[i], fmt::format("health.notes[{}]", i)));
    if (health.good() != health.problems.empty())
        fail("MANIFEST.json: health: verdict {} with {} problems", health.verdict,
             health.problems.size());
    return health;
}

} // namespace

Manifest from_document(const Json& json, Manifest m) {
    if (json.is_discarded())
        fail("MANIFEST.json: not valid JSON");
    Fields top(json, "manifest");
    m.format = static_cast<int>(top.integer("format"));
    if (m.format != manifest_format_version)
        fail("MANIFEST.json: format version {} is not supported; this pmxsnap reads version {}",
             m.format, manifest_format_version);
    m.tool = top.text("tool");
    m.captured_at = top.text("captured_at");
    m.cluster = top.text("cluster");
    m.node = top.text("node");
    m.note = top.optional<std::string>("note").value_or("");
    auto db = top.child("db");
    m.db.root_version = db.integer("root_version");
    m.db.root_writer = db.integer("root_writer");
    m.db.root_mtime = db.integer("root_mtime");
    m.db.copy_method = db.text("copy_method");
    m.db.invariant_violations = db.integer("invariant_violations");
    auto corosync = top.child("corosync");
    m.corosync.host_config_version = corosync.optional<std::uint64_t>("host_config_version");
    m.corosync.pve_config_version = corosync.optional<std::uint64_t>("pve_config_version");
    auto authkeys = top.child("authkeys");
    m.authkeys.corosync = authkeys.optional<std::string>("corosync_sha256");
    m.authkeys.pve = authkeys.optional<std::string>("pve_sha256");
    m.state = top.text("state");
    if (auto runtime = json.find("runtime"); runtime != json.end() && !runtime->is_null()) {
        if (!runtime->is_object())
            fail("MANIFEST.json: runtime: expected an object or null");
        m.runtime_json = runtime->dump();
    }
    if (auto health = json.find("health"); health != json.end())
        m.health = parse_health(*health);
    if (auto profile = json.find("profile"); profile != json.end()) {
        if (!profile->is_object())
            fail("MANIFEST.json: profile: expected an object");
        m.profile_json = profile->dump();
    }
    const auto& members = top.get("members");
    if (!members.is_array())
        fail("MANIFEST.json: members: expected an array");
    return m;
}

} // namespace pmxsnap::archive::detail
