#include "report.hpp"

#include "paths.hpp"

#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>

namespace pmxsnap::diff {
namespace {

nlohmann::json problems_json(const std::optional<archive::Health>& health) {
    nlohmann::json problems = nlohmann::json::array();
    if (health)
        for (const auto& p : health->problems)
            problems.push_back({{"id", p.id}, {"message", p.message}});
    return problems;
}

nlohmann::json side_json(const Side& side) {
    const auto& m = side.manifest();
    return {
        {"spec", side.spec},
        {"source", side.label},
        {"kind", side.is_live ? "live" : "archive"},
        {"archive", side.is_live ? nlohmann::json(nullptr) : nlohmann::json(side.archive.string())},
        {"cluster", m.cluster},
        {"node", m.node},
        {"captured_at", side.is_live ? nlohmann::json(nullptr) : nlohmann::json(m.captured_at)},
        {"db_version", m.db.root_version},
        {"health", m.health ? m.health->verdict : "unknown"},
        {"problems", problems_json(m.health)},
        {"notes", side.notes},
        {"signed_by", text_or_null(side.signer)}};
}

// A SHA-256 says nothing of the content, so secrets carry theirs too: it is
// what `restore file --expect-digest` checks.
nlohmann::json member_json(const archive::Member* member) {
    if (!member)
        return nullptr;
    nlohmann::json out = {{"type", member->is_directory ? "directory" : "file"},
                          {"size", member->size},
                          {"mode", fmt::format("{:04o}", member->mode)},
                          {"uid", member->uid},
                          {"gid", member->gid}};
    if (!member->is_directory)
        out["sha256"] = member->sha256.hex();
    if (member->pmxcfs)
        out["pmxcfs"] = {{"inode", member->pmxcfs->inode},
                         {"version", member->pmxcfs->version},
                         {"writer", member->pmxcfs->writer}};
    return out;
}

// A side's digest of a path: its SHA-256, "absent" (what `restore file
// --expect-digest` takes for a file that is not there), or null for a directory.
nlohmann::json digest_of(const archive::Member* member) {
    if (!member)
        return "absent";
    if (member->is_directory)
        return nullptr;
    return member->sha256.hex();
}

// The live side's member of the change, when a side is live.
std::optional<const archive::Member*> live_member(const Change& c, const Side& a, const Side& b) {
    if (b.is_live)
        return c.after;
    if (a.is_live)
        return c.before;
    return std::nullopt;
}

bool is_directory(const Change& c) {
    return (c.before && c.before->is_directory) || (c.after && c.after->is_directory);
}

// What `restore file --expect-digest` needs for the change: the live file's
// SHA-256 or "absent"; null without a live side, for a directory or for a
// path restore file does not put back.
nlohmann::json expect_digest(const Change& c, const Side& a, const Side& b) {
    auto live = live_member(c, a, b);
    if (!live || is_directory(c) || !is_restorable_by_file(c.path))
        return nullptr;
    return digest_of(*live);
}

// "/etc/pve/nodes/pve3/" for a directory, so it reads as one.
std::string shown_entry(const Change& c) {
    return escape_name(shown_path(c.path)) + (is_directory(c) ? "/" : "");
}

std::string version_note(const Change& c) {
    const auto* a = c.before && c.before->pmxcfs ? &*c.before->pmxcfs : nullptr;
    const auto* b = c.after && c.after->pmxcfs ? &*c.after->pmxcfs : nullptr;
    if (a && b && (a->version != b->version || a->writer != b->writer))
        return fmt::format(" (pmxcfs version {} → {}, writer node {} → {})", a->version, b->version,
                           a->writer, b->writer);
    if (a && b)
        return fmt::format(" (pmxcfs version {}, writer node {})", a->version, a->writer);
    if (const auto* either = a != nullptr ? a : b; either != nullptr)
        return fmt::format(" (pmxcfs version {}, writer node {})", either->version, either->writer);
    return {};
}

std::string value_text(const nlohmann::json& value) {
    return value.is_null() ? "" : value.get<std::string>();
}

// "[snap1]" and "[OPTIONS]" as written; "rbd: store1" quoted.
std::string section_name(const std::string& name) {
    return name.starts_with("[") ? name : "'" + name + "'";
}

void add_section_lines(std::vector<std::string>& out, const nlohmann::json& sections) {
    for (const auto& s : sections) {
        auto section = s["section"].get<std::string>();
        auto where = section.empty() ? std::string() : section_name(section) + " ";
        if (s["key"].is_null())
            out.push_back(fmt::format("    section {} {}", section_name(section),
                                      s["before"].is_null() ? "added" : "removed"));
        else if (s["before"].is_null())
            out.push_back(fmt::format("    {}+ {}: {}", where, s["key"].get<std::string>(),
                                      value_text(s["after"])));
        else if (s["after"].is_null())
            out.push_back(fmt::format("    {}- {}: {}", where, s["key"].get<std::string>(),
                                      value_text(s["before"])));
        else
            out.push_back(fmt::format("    {}{}: {} → {}", where, s["key"].get<std::string>(),
                                      value_text(s["before"]), value_text(s["after"])));
    }
}

void add_corosync_lines(std::vector<std::string>& out, const nlohmann::json& c) {
    if (!c.contains("config_version")) {
        for (const char* side : {"before_error", "after_error"})
            if (!c[side].is_null())
                out.push_back("    does not parse: " + c[side].get<std::string>());
        return;
    }
    const auto& v = c["config_version"];
    if (v["before"] != v["after"])
        out.push_back(
            fmt::format("    config_version {} → {}", v["before"].dump(), v["after"].dump()));
    for (const auto& n : c["nodes"])
        out.push_back(fmt::format(
            "    node {}: {}{}", n["nodeid"].get<std::uint32_t>(), n["change"].get<std::string>(),
            n["what"].get<std::string>().empty()
                ? fmt::format(" {}{}", n["before"].get<std::string>(),
                              n["after"].get<std::string>())
                : fmt::format(" {} {} → {}", n["what"].get<std::string>(),
                              n["before"].get<std::string>(), n["after"].get<std::string>())));
    for (const auto& k : c["keys"])
        out.push_back(fmt::format("    {}: {} → {}", k["path"].get<std::string>(),
                                  k["before"].is_null() ? "(none)" : k["before"].get<std::string>(),
                                  k["after"].is_null() ? "(none)" : k["after"].get<std::string>()));
}

void add_digest_line(std::vector<std::string>& out, const Change& c, const Side& a, const Side& b) {
    auto live = live_member(c, a, b);
    if (!live || is_directory(c))
        return;
    if (!is_pve_member(c.path) && c.secret) // /etc/corosync/authkey: not even its digest
        out.emplace_back(*live ? "    live: present (secret: digest not shown)"
                               : "    live: absent");
    else if (!is_restorable_by_file(c.path)) // SSH host public keys, ...
        out.push_back(*live ? fmt::format("    live SHA-256: {}", (*live)->sha256.hex())
                            : std::string("    live: absent"));
    else if (*live)
        out.push_back(fmt::format("    live SHA-256 (restore file --expect-digest): {}",
                                  (*live)->sha256.hex()));
    else
        out.emplace_back("    live: absent (restore file --expect-digest absent)");
}

void add_change_lines(std::vector<std::string>& out, const Change& c, const Side& a,
                      const Side& b) {
    out.push_back(fmt::format("{:<9} {}{}", to_string(c.status), shown_entry(c), version_note(c)));
    add_digest_line(out, c, a, b);
    if (c.status == Status::metadata) {
        out.push_back(fmt::format("    mode {:04o} → {:04o}, owner {}:{} → {}:{}", c.before->mode,
                                  c.after->mode, c.before->uid, c.before->gid, c.after->uid,
                                  c.after->gid));
        return;
    }
    if (c.secret && c.unified.empty()) {
        out.emplace_back("    secret: content not shown (--show-secrets)");
        return;
    }
    if (c.binary) {
        out.emplace_back("    binary files differ");
        return;
    }
    if (c.detail.contains("corosync"))
        add_corosync_lines(out, c.detail["corosync"]);
    if (c.detail.contains("sections"))
        add_section_lines(out, c.detail["sections"]);
    std::istringstream lines(c.unified);
    std::string line;
    while (std::getline(lines, line))
        out.push_back("    " + line);
}

std::string counts_text(const Subtree& t) {
    auto files = fmt::format("{} file{}", t.files, t.files == 1 ? "" : "s");
    if (t.directories == 0)
        return t.files == 0 ? "empty" : files;
    return fmt::format("{}, {} director{}", files, t.directories, t.directories == 1 ? "y" : "ies");
}

std::string subtree_line(const Subtree& t) {
    return fmt::format("{:<9} {}/ ({})", to_string(t.status), escape_name(shown_path(t.path)),
                       counts_text(t));
}

std::string version_text(const nlohmann::json& version) {
    return version.is_null() ? "- (does not parse)" : version.dump();
}

void add_copies_lines(std::vector<std::string>& out, const nlohmann::json& corosync) {
    if (corosync["copies"].empty() && corosync["running"].empty())
        return;
    out.emplace_back("corosync.conf copies:");
    for (const auto& copy : corosync["copies"])
        out.push_back(fmt::format("  {}  {:<30} config_version {}{}",
                                  copy["side"].get<std::string>(), copy["file"].get<std::string>(),
                                  version_text(copy["config_version"]),
                                  copy["in_use"] == true ? "  ← the running config" : ""));
    for (const auto& r : corosync["running"])
        out.push_back(fmt::format(
            "  {}  {:<30} config_version {}, {} of {} nodes members, {}",
            r["side"].get<std::string>(), "running (CMAP, " + r["when"].get<std::string>() + ")",
            version_text(r["config_version"]), r["members"].get<std::size_t>(),
            r["nodelist"].size(), r["quorate"] == true ? "quorate" : "NOT quorate"));
    bool live_running = false;
    for (const auto& r : corosync["running"])
        live_running = live_running || r["when"] == "now";
    if (live_running && corosync["running_uses"].is_null())
        out.emplace_back(
            "  the running config matches no copy: corosync has not reloaded the file, "
            "or the file changed under it");
}

} // namespace

std::string Report::unverified_warning() const {
    if (unverified.empty())
        return {};
    return fmt::format("UNVERIFIED (--no-verify): the signature of {} was not checked; what "
                       "follows may not be what was captured",
                       fmt::join(unverified, " and "));
}

std::string Report::summary() const {
    auto sides = fmt::format("{} and {}", a->spec, b->spec);
    if (identical())
        return fmt::format("identical: {} ({} path{} compared{})", sides, paths_compared,
                           paths_compared == 1 ? "" : "s",
                           cross_node ? ", cluster-wide paths only" : "");
    std::size_t added = 0, removed = 0, modified = 0, truncated = 0;
    for (const auto& c : changes) {
        added += c.status == Status::added;
        removed += c.status == Status::removed;
        modified += c.status == Status::modified || c.status == Status::metadata;
        truncated += c.truncated;
    }
    std::vector<std::string> subjects;
    subjects.reserve(state.size());
    for (const auto& s : state)
        subjects.push_back(s.subject);
    return fmt::format(
        "{} differ: {} path{} ({} added, {} removed, {} modified){}{}; {} paths "
        "compared, {} contents read",
        sides, changes.size(), changes.size() == 1 ? "" : "s", added, removed, modified,
        truncated ? fmt::format(", {} TRUNCATED", truncated) : "",
        subjects.empty() ? "" : fmt::format(", and changed: {}", fmt::join(subjects, ", ")),
        paths_compared, reads.a + reads.b);
}

nlohmann::json Report::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    nlohmann::json truncated = nlohmann::json::array();
    for (const auto& c : changes) {
        nlohmann::json item = nlohmann::json::object();
        put_name(item, "path", shown_path(c.path)); // path_hex too when not UTF-8
        item.update({{"status", to_string(c.status)},
                     {"truncated", c.truncated},
                     {"truncation", c.truncation},
                     {"secret", c.secret},
                     {"binary", c.binary},
                     {"before", member_json(c.before)},
                     {"after", member_json(c.after)},
                     {"digests", {{"a", digest_of(c.before)}, {"b", digest_of(c.after)}}},
                     {"expect_digest", expect_digest(c, *a, *b)}});
        for (const auto& [key, value] : c.detail.items())
            item[key] = value;
        if (!c.unified.empty())
            item["unified"] = c.unified;
        list.push_back(std::move(item));
        if (c.truncated)
            truncated.push_back(json_plain_name(shown_path(c.path))); // bytes: in changes[]
    }
    nlohmann::json trees = nlohmann::json::array();
    for (const auto& t : subtrees) {
        nlohmann::json tree = {
            {"status", to_string(t.status)}, {"files", t.files}, {"directories", t.directories}};
        put_name(tree, "path", shown_path(t.path));
        trees.push_back(std::move(tree));
    }
    nlohmann::json state_changes = nlohmann::json::array();
    for (const auto& change : state)
        state_changes.push_back(change.to_json());
    return {
        {"schema", "pmxsnap.diff/1"},
        {"identical", identical()},
        {"cautions", cautions},
        {"verified", unverified.empty()},
        {"unverified", unverified},
        {"state_changes", state_changes},
        {"a", side_json(*a)},
        {"b", side_json(*b)},
        {"cross_node", cross_node},
        {"truncated", truncated},
        {"changes", list},
        {"subtrees", trees},
        {"corosync", corosync},
        {"stats",
         {{"paths_compared", paths_compared}, {"contents_read", {{"a", reads.a}, {"b", reads.b}}}}},
        {"summary", summary()}};
}

bool Report::has_bad_side() const {
    for (const auto* side : {a, b})
        if (side->manifest().health && !side->manifest().health->good())
            return true;
    return false;
}

std::vector<std::string> Report::text(bool stat) const {
    std::vector<std::string> out = cautions;
    if (!unverified.empty())
        out.insert(out.begin(), unverified_warning());
    if (identical()) {
        out.push_back(summary());
        return out;
    }
    out.push_back(fmt::format("a: {} = {} (db version {})", a->spec, a->label,
                              a->manifest().db.root_version));
    out.push_back(fmt::format("b: {} = {} (db version {})", b->spec, b->label,
                              b->manifest().db.root_version));
    for (const auto& c : changes)
        for (const auto& why : c.truncation)
            out.push_back(fmt::format("TRUNCATED {}: {}", escape_name(shown_path(c.path)), why));
    // A subtree added or removed whole is one line, at its directory's place.
    std::vector<const Subtree*> tree_at(changes.size(), nullptr);
    std::vector<bool> inside(changes.size(), false);
    for (const auto& t : subtrees) {
        tree_at[t.directory] = &t;
        for (auto i = t.first; i < t.last; ++i)
            inside[i] = true;
    }
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const auto& c = changes[i];
        if (inside[i])
            continue;
        if (tree_at[i]) {
            out.push_back(subtree_line(*tree_at[i]));
            continue;
        }
        if (stat) {
            auto size = [](const archive::Member* m) { return m ? std::to_string(m->size) : "-"; };
            out.push_back(fmt::format("{:<9} {} ({} → {} bytes){}", to_string(c.status),
                                      shown_entry(c), size(c.before), size(c.after),
                                      c.truncated ? " TRUNCATED" : ""));
            continue;
        }
        add_change_lines(out, c, *a, *b);
    }
    if (!stat)
        add_copies_lines(out, corosync);
    for (const auto& change : state)
        out.push_back(change.text());
    out.push_back(summary());
    return out;
}

} // namespace pmxsnap::diff
