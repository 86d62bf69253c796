#include "source.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/trust/authenticate_copy.hpp"
#include "pmxsnap/util/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::diff {
namespace {

// The reference's members and this side's kept ones, merged by path. A path
// both hold (listed twice here, once as the reference has it) is this
// side's own: of a path listed twice the other entry counts.
ByPath merge_with_reference(const ByPath& reference, const std::vector<bool>& same,
                            const ByPath& own) {
    ByPath merged;
    merged.reserve(own.size() +
                   static_cast<std::size_t>(std::count(same.begin(), same.end(), true)));
    auto kept = own.begin();
    for (std::size_t i = 0; i < reference.size(); ++i) {
        if (!same[i])
            continue;
        while (kept != own.end() && (*kept)->path < reference[i]->path)
            merged.push_back(*kept++);
        if (kept == own.end() || (*kept)->path != reference[i]->path)
            merged.push_back(reference[i]);
    }
    merged.insert(merged.end(), kept, own.end());
    return merged;
}

Side open_archive(const std::string& spec, const fs::path& path, const SourceOptions& options,
                  const Side* reference) {
    const auto& identity = options.identity;
    Side side;
    side.copy = std::make_shared<const trust::PrivateCopy>(path);
    // Before anything in the archive is believed: an archive whose signature
    // fails could say "identical" about anything (diff reads only the members
    // that differ, so a corrupt member elsewhere would go unseen).
    if (options.trusted_keys)
        side.signer = trust::authenticate_copy(*side.copy, *options.trusted_keys, "compares")
                          .signer->key_id_hex();
    side.spec = spec;
    side.archive = path;
    side.identity = identity;
    std::vector<bool> same(reference ? reference->by_path.size() : 0);
    archive::MemberFilter differs;
    if (reference)
        differs = [&](const archive::Member& member) {
            auto at = position_in(reference->by_path, member.path);
            if (at == reference->by_path.end() || **at != member)
                return true;
            same[static_cast<std::size_t>(at - reference->by_path.begin())] = true;
            return false;
        };
    archive::naming_archive(path.string(), [&] {
        return side.copy->read([&](const fs::path& copy) {
            archive::ArchiveInput input(copy, identity);
            archive::Reader reader(input.source(), {}, {}, differs);
            side.archived_json_digest = reader.manifest_digest();
            side.listed = reader.listed();
            side.archived = reader.take_manifest();
            return 0;
        });
    });
    side.by_path = by_path(side.archived);
    if (reference)
        side.by_path = merge_with_reference(reference->by_path, same, side.by_path);
    side.label = fmt::format("{} {} {}", path.filename().string(), side.archived.node,
                             side.archived.captured_at);
    if (!side.archived.runtime_json.empty()) {
        auto view = corosync::LiveView::from_json(
            nlohmann::json::parse(side.archived.runtime_json, nullptr, false));
        if (view.reachable)
            side.runtime = std::move(view);
    }
    return side;
}

Side open_live(const host::Host& host, const SourceOptions& options) {
    Side side;
    side.spec = "live";
    side.is_live = true;
    side.captured = std::make_unique<capture::Capture>(capture::capture(host, {}));
    side.label = "live " + side.captured->header.node;
    side.archived = side.captured->full_manifest();
    side.by_path = by_path(side.archived);
    if (host.is_live()) {
        auto mount = host::mount_at(host::current_mounts(), host::paths::pve_mount);
        if (!mount || !(mount->fs_type == "fuse" || mount->fs_type.starts_with("fuse.")))
            side.notes.emplace_back("/etc/pve is not mounted: the live side is read from "
                                    "config.db, which is what pmxcfs would serve");
    }
    if (host.is_live() && !options.offline) {
        auto view = corosync::probe_live_cluster();
        if (view.reachable) {
            side.runtime = std::move(view);
        } else {
            side.runtime_error = view.error;
            side.notes.push_back(view.error + ": the running cluster cannot be read now");
        }
    }
    return side;
}

class KeepWanted : public archive::MemberHandler {
  public:
    KeepWanted(const std::set<std::string>& wanted, std::map<std::string, std::string>& out,
               std::size_t& reads)
        : wanted_(wanted)
        , out_(out)
        , reads_(reads) {}
    bool wants(const archive::Member& m) override { return wanted_.count(m.path) > 0; }
    void begin(const archive::Member&) override { current_.clear(); }
    void data(std::string_view chunk) override { current_.append(chunk); }
    void end(const archive::Member& m) override {
        if (m.is_directory)
            return;
        out_[m.path] = std::move(current_);
        ++reads_;
    }

  private:
    const std::set<std::string>& wanted_;
    std::map<std::string, std::string>& out_;
    std::size_t& reads_;
    std::string current_;
};

} // namespace

Side open_side(const std::string& spec, const host::Host& host, const SourceOptions& options,
               const Side* reference) {
    if (spec == "live")
        return open_live(host, options);
    // The one selector grammar (lib/repo/selector).
    repo::Repository repository(options.repo);
    // --before speaks of latest and latest-good; an archive path beside one
    // (`diff ARCHIVE latest-good --before T`) is taken as it is.
    auto parsed = repo::parse_selector(spec);
    bool is_path = parsed.selector && parsed.selector->kind == repo::Selector::Kind::path;
    auto selected = repo::select_archive(spec, repository, capture::selector_scope(host),
                                         is_path ? std::nullopt : options.before);
    return open_archive(spec, selected.archive, options, reference);
}

std::map<std::string, std::string>
read_contents(const Side& side, const std::set<std::string>& paths, std::size_t& reads) {
    std::map<std::string, std::string> contents;
    if (paths.empty())
        return contents;
    if (side.captured) {
        for (const auto& path : paths) {
            auto data = side.captured->file_data(path);
            if (!data)
                continue;
            contents[path] = std::move(*data);
            ++reads;
        }
        return contents;
    }
    // Only the members read, from the manifest read first: the reader rejects
    // the archive if its MANIFEST.json is not the same bytes, checks these
    // in full and steps over the rest. The whole list's index was 2 MB more
    // at a pmxcfs-maximum diff's peak; vouching for every member is verify's.
    archive::Manifest wanted;
    for (const auto& path : paths)
        if (const auto* member = find_in(side.by_path, path))
            wanted.members.push_back(*member);
    archive::naming_archive(side.archive.string(), [&] {
        return side.copy->read([&](const fs::path& copy) {
            archive::ArchiveInput input(copy, side.identity);
            archive::Reader reader(input.source(), {},
                                   {&wanted, side.archived_json_digest, side.listed});
            KeepWanted keep(paths, contents, reads);
            reader.read_members(keep);
            return 0;
        });
    });
    return contents;
}

} // namespace pmxsnap::diff
