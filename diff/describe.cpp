#include "changes.hpp"
#include "paths.hpp"
#include "text_diff.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/corosync/compare.hpp"
#include "pmxsnap/corosync/limits.hpp"
#include "pmxsnap/corosync/truncation.hpp"
#include "pmxsnap/pveconfig/secrets.hpp"
#include "pmxsnap/pveconfig/section_config.hpp"
#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

#include <set>

namespace pmxsnap::diff {
namespace {

// Shrank sharply or lost its tail: the seed's truncated corosync.conf, or any
// file a failing disk or an interrupted write cut short.
std::vector<std::string> truncation_of(const std::string& path, const std::string& before,
                                       const std::string& after) {
    std::vector<std::string> why;
    if (after.size() < before.size()) {
        if (std::string_view(before).starts_with(after))
            why.push_back(fmt::format("lost its tail: only the first {} of {} bytes remain",
                                      after.size(), before.size()));
        else if (after.size() * 2 <= before.size())
            why.push_back(fmt::format("shrank from {} to {} bytes", before.size(), after.size()));
    }
    if (archive::is_corosync_conf_member(path) && after.size() <= corosync::max_conf_bytes) {
        for (const auto& e : corosync::truncation_evidence(after))
            if (e.id != "prefix-of-other")
                why.push_back(e.message);
    }
    return why;
}

nlohmann::json section_changes(const std::string& before, const std::string& after,
                               bool show_secrets) {
    auto changes = pveconfig::compare_section_configs(pveconfig::parse_section_config(before),
                                                      pveconfig::parse_section_config(after));
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : changes) {
        bool secret = !show_secrets && pveconfig::is_secret_key(c.key);
        auto shown = [secret](const std::optional<std::string>& value) -> nlohmann::json {
            if (!value)
                return nullptr;
            return secret ? pveconfig::masked_value : *value;
        };
        nlohmann::json item = {{"section", c.section},
                               {"key", text_or_null(c.key)},
                               {"before", shown(c.before)},
                               {"after", shown(c.after)}};
        if (secret)
            item["secret"] = true;
        out.push_back(std::move(item));
    }
    return out;
}

void describe_text(Change& change, const std::string& before, const std::string& after,
                   const CompareOptions& options) {
    auto shown = [&](const std::string& text) {
        return options.show_secrets ? text : pveconfig::mask_secret_values(text);
    };
    change.unified = unified_diff(shown(before), shown(after), shown_path(change.path));
    // Of a file added or removed whole, the unified diff is all there is to
    // say; its sections listed as well would say every line twice.
    bool whole_file = change.status == Status::added || change.status == Status::removed;
    std::string relative = change.path.substr(4); // "pve/"
    if (!whole_file && change.path.starts_with("pve/") &&
        pveconfig::is_section_config_path(relative))
        change.detail["sections"] = section_changes(before, after, options.show_secrets);
    if (archive::is_corosync_conf_member(change.path)) {
        auto a = corosync::parse_config(before), b = corosync::parse_config(after);
        if (a.ok() && b.ok())
            change.detail["corosync"] = corosync::compare_configs(*a.config, *b.config).to_json();
        else
            change.detail["corosync"] = {
                {"before_error", a.ok() ? nullptr : nlohmann::json(a.error->to_string("a"))},
                {"after_error", b.ok() ? nullptr : nlohmann::json(b.error->to_string("b"))}};
    }
}

void describe(Change& change, const std::map<std::string, std::string>& a,
              const std::map<std::string, std::string>& b, const CompareOptions& options) {
    auto find = [](const auto& contents, const std::string& path) -> const std::string* {
        auto it = contents.find(path);
        return it == contents.end() ? nullptr : &it->second;
    };
    const std::string empty;
    const auto* before = find(a, change.path);
    const auto* after = find(b, change.path);
    if (!before && !after)
        return;
    const auto& old_text = before ? *before : empty;
    const auto& new_text = after ? *after : empty;
    if (change.status == Status::modified) {
        change.truncation = truncation_of(change.path, old_text, new_text);
        change.truncated = !change.truncation.empty();
    }
    change.binary = looks_binary(old_text) || looks_binary(new_text);
    if ((change.secret && !options.show_secrets) || change.binary)
        return;
    describe_text(change, old_text, new_text, options);
}

bool content_matters(const Change& change) {
    if (change.status == Status::metadata)
        return false;
    const auto* member = change.after ? change.after : change.before;
    return !member->is_directory;
}

} // namespace

void describe_changes(std::vector<Change>& changes, const Side& a, const Side& b,
                      const CompareOptions& options, ReadCounts& reads) {
    std::set<std::string> from_a, from_b;
    for (const auto& change : changes) {
        if (!content_matters(change))
            continue;
        if (change.before && !change.before->is_directory)
            from_a.insert(change.path);
        if (change.after && !change.after->is_directory)
            from_b.insert(change.path);
    }
    auto contents_a = read_contents(a, from_a, reads.a);
    auto contents_b = read_contents(b, from_b, reads.b);
    for (auto& change : changes)
        if (content_matters(change))
            describe(change, contents_a, contents_b, options);
}

} // namespace pmxsnap::diff
