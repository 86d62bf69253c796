#include "pmxsnap/trust/drill.hpp"

#include "pmxsnap/host/pmxcfs_sandbox.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/sha256.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace pmxsnap::trust {
namespace {

using Clock = std::chrono::steady_clock;

// pmxcfs's own entries at the top of /etc/pve: runtime status, not the db.
const std::set<std::string> virtual_files = {".version", ".members",    ".vmlist",
                                             ".rrd",     ".clusterlog", ".debug"};
// The links pmxcfs makes to this node's directories: link → below nodes/<node>.
const std::array<std::pair<const char*, const char*>, 4> node_links = {
    {{"local", ""}, {"qemu-server", "/qemu-server"}, {"openvz", "/openvz"}, {"lxc", "/lxc"}}};
// Problems beyond this many are counted, not listed.
constexpr std::size_t problems_listed = 50;

struct Served {
    bool is_directory = false;
    unsigned mode = 0, uid = 0, gid = 0;
    Sha256Digest sha256;
};

// What pmxcfs serves, read through the sandbox's /etc/pve.
struct ServedTree {
    std::map<std::string, Served> entries;    // "pve/…" as the manifest names it
    std::map<std::string, std::string> links; // top-level symlinks → their targets
    std::vector<std::string> problems;        // what could not be read
};

Sha256Digest digest_of(const fs::path& file) {
    Sha256 hash;
    read_chunks(file, [&](std::string_view chunk) { hash.update(chunk); });
    return Sha256Digest(hash.finish());
}

void read_entry(const fs::path& path, const std::string& member, bool top, ServedTree& tree);

void read_directory(const fs::path& directory, const std::string& prefix, ServedTree& tree) {
    std::error_code error;
    fs::directory_iterator it(directory, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
        interruption_point();
        auto name = it->path().filename().string();
        bool top = prefix == "pve/";
        if (top && virtual_files.contains(name))
            continue;
        read_entry(it->path(), prefix + name, top, tree);
    }
    if (error)
        tree.problems.push_back(
            fmt::format("{}: pmxcfs did not list it: {}", escape_name(prefix), error.message()));
}

void read_entry(const fs::path& path, const std::string& member, bool top, ServedTree& tree) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        tree.problems.push_back(
            fmt::format("{}: pmxcfs did not serve it: {}", escape_name(member), errno_text(errno)));
        return;
    }
    Served served{
        S_ISDIR(st.st_mode), static_cast<unsigned>(st.st_mode & 07777), st.st_uid, st.st_gid, {}};
    if (S_ISLNK(st.st_mode) && top) {
        std::error_code error;
        tree.links[member.substr(4)] = fs::read_symlink(path, error).string();
    } else if (S_ISDIR(st.st_mode)) {
        tree.entries[member] = served;
        read_directory(path, member + "/", tree);
    } else if (S_ISREG(st.st_mode)) {
        try {
            served.sha256 = digest_of(path);
            tree.entries[member] = served;
        } catch (const Error& e) {
            tree.problems.push_back(fmt::format("{}: pmxcfs did not serve its content: {}",
                                                escape_name(member), e.what()));
        }
    } else {
        tree.problems.push_back(fmt::format("{}: pmxcfs serves something that is neither a file "
                                            "nor a directory",
                                            escape_name(member)));
    }
}

std::string octal(unsigned mode) {
    return fmt::format("{:04o}", mode);
}

// One entry, archived and served: what differs, if anything.
void compare_entry(const archive::Member& archived, const Served& served,
                   std::vector<std::string>& problems) {
    auto name = escape_name(archived.path);
    if (archived.is_directory != served.is_directory) {
        problems.push_back(fmt::format("{}: a {} in the archive, a {} as pmxcfs serves it", name,
                                       archived.is_directory ? "directory" : "file",
                                       served.is_directory ? "directory" : "file"));
        return;
    }
    if (!archived.is_directory && archived.sha256 != served.sha256)
        problems.push_back(fmt::format(
            "{}: pmxcfs serves other content than the archive holds (sha256 {}… archived, {}… "
            "served)",
            name, archived.sha256.hex().substr(0, 12), served.sha256.hex().substr(0, 12)));
    if (archived.mode != served.mode)
        problems.push_back(fmt::format("{}: mode {} in the archive, {} as pmxcfs serves it", name,
                                       octal(archived.mode), octal(served.mode)));
    if (archived.uid != served.uid || archived.gid != served.gid)
        problems.push_back(fmt::format("{}: owner {}:{} in the archive, {}:{} as pmxcfs serves it",
                                       name, archived.uid, archived.gid, served.uid, served.gid));
}

std::vector<std::string> compare_tree(const archive::Manifest& manifest, const ServedTree& tree) {
    std::vector<std::string> problems = tree.problems;
    std::set<std::string> archived;
    for (const auto& member : manifest.members) {
        if (!member.path.starts_with("pve/"))
            continue;
        archived.insert(member.path);
        auto served = tree.entries.find(member.path);
        if (served == tree.entries.end())
            problems.push_back(fmt::format("{}: archived, but pmxcfs does not serve it",
                                           escape_name(member.path)));
        else
            compare_entry(member, served->second, problems);
    }
    for (const auto& [path, served] : tree.entries)
        if (!archived.contains(path))
            problems.push_back(
                fmt::format("{}: served by pmxcfs, not in the archive", escape_name(path)));
    return problems;
}

std::vector<std::string> compare_links(const std::string& node, const ServedTree& tree) {
    std::vector<std::string> problems;
    for (const auto& [link, below] : node_links) {
        auto want = "nodes/" + node + below;
        auto served = tree.links.find(link);
        if (served == tree.links.end())
            problems.push_back(
                fmt::format("pve/{}: pmxcfs made no such link (want {})", link, want));
        else if (served->second != want)
            problems.push_back(fmt::format("pve/{}: pmxcfs links it to {}, not {}", link,
                                           escape_name(served->second), want));
    }
    for (const auto& [link, target] : tree.links)
        if (std::none_of(node_links.begin(), node_links.end(),
                         [&](const auto& known) { return link == known.first; }))
            problems.push_back(
                fmt::format("pve/{}: a link pmxcfs serves that is not its own", escape_name(link)));
    return problems;
}

// "100 pve1 qemu" for pve/nodes/pve1/qemu-server/100.conf, as pmxcfs lists
// a guest in .vmlist; nullopt for any other member.
std::optional<std::string> guest_of(const std::string& path) {
    auto parts = fs::path(path);
    std::vector<std::string> names;
    for (const auto& part : parts)
        names.push_back(part.string());
    if (names.size() != 5 || names[0] != "pve" || names[1] != "nodes")
        return std::nullopt;
    const auto& file = names[4];
    if (!file.ends_with(".conf") || file.size() < 6 || file[0] == '0')
        return std::nullopt;
    auto id = file.substr(0, file.size() - 5);
    if (!std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const auto& dir = names[3];
    if (dir != "qemu-server" && dir != "lxc" && dir != "openvz")
        return std::nullopt;
    return id + " " + names[2] + " " + (dir == "qemu-server" ? "qemu" : dir);
}

std::vector<std::string> compare_guests(const archive::Manifest& manifest, const fs::path& served) {
    std::set<std::string> archived, listed;
    for (const auto& member : manifest.members)
        if (auto guest = guest_of(member.path))
            archived.insert(*guest);
    try {
        auto vmlist = nlohmann::json::parse(read_file(served / ".vmlist", 64u << 20));
        for (const auto& [id, guest] : vmlist.at("ids").items())
            listed.insert(id + " " + guest.at("node").get<std::string>() + " " +
                          guest.at("type").get<std::string>());
    } catch (const std::exception& e) {
        return {fmt::format("pve/.vmlist: pmxcfs's guest list could not be read: {}", e.what())};
    }
    std::vector<std::string> problems;
    for (const auto& guest : archived)
        if (!listed.contains(guest))
            problems.push_back("pve/.vmlist: guest " + guest +
                               " is archived, but pmxcfs does not list it");
    for (const auto& guest : listed)
        if (!archived.contains(guest))
            problems.push_back("pve/.vmlist: pmxcfs lists guest " + guest +
                               ", which the archive does not hold");
    return problems;
}

// pmxcfs's words for why it stopped: its critical lines, else its last one.
std::vector<std::string> pmxcfs_words(const host::PmxcfsSandbox& sandbox) {
    std::vector<std::string> critical, all;
    auto tail = sandbox.log_tail(40);
    std::size_t start = 0;
    while (start < tail.size()) {
        auto end = tail.find('\n', start);
        auto line = tail.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? tail.size() : end + 1;
        if (line.empty())
            continue;
        all.push_back(line);
        if (line.find("crit:") != std::string::npos || line.find("err:") != std::string::npos)
            critical.push_back(line);
    }
    if (!critical.empty())
        return critical;
    if (all.empty())
        return {"(pmxcfs said nothing)"};
    return {all.back()};
}

bool is_host_name(const std::string& node) {
    return !node.empty() && node.size() <= 63 && node.front() != '-' &&
           std::all_of(node.begin(), node.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-';
           });
}

// The db goes where only root can read it: it holds priv/ (keys, tokens).
fs::path private_copy(const TempDir& scratch, const fs::path& db) {
    struct stat st {};
    if (::stat(scratch.path().c_str(), &st) != 0 || (st.st_mode & 077) != 0 ||
        st.st_uid != ::geteuid())
        fail("{}: the drill's scratch directory is not private; not starting pmxcfs",
             scratch.path().string());
    auto lib = scratch / "lib";
    create_directories(lib, 0700);
    auto copy = lib / "config.db";
    std::error_code error;
    fs::copy_file(db, copy, error);
    if (error)
        fail("{}: cannot copy the archived db for the drill: {}", copy.string(), error.message());
    fs::permissions(copy, fs::perms::owner_read | fs::perms::owner_write, error);
    return copy;
}

void finish(LevelResult& level, std::vector<std::string> problems, const std::string& summary) {
    level.status = problems.empty() ? Status::ok : Status::failed;
    if (problems.empty()) {
        level.detail = summary;
        return;
    }
    level.detail = problems.front();
    if (problems.size() > 1)
        level.detail += fmt::format(" (and {} more)", problems.size() - 1);
    if (problems.size() > problems_listed) {
        auto more = problems.size() - problems_listed;
        problems.resize(problems_listed);
        problems.push_back(fmt::format("… and {} more", more));
    }
    level.problems = std::move(problems);
}

void judge_served(const archive::Manifest& manifest, host::PmxcfsSandbox& sandbox,
                  const DrillOptions& options, LevelResult& level) {
    ServedTree tree;
    read_directory(sandbox.served(), "pve/", tree);
    auto problems = compare_tree(manifest, tree);
    auto links = compare_links(manifest.node, tree);
    problems.insert(problems.end(), links.begin(), links.end());
    auto guests = compare_guests(manifest, sandbox.served());
    problems.insert(problems.end(), guests.begin(), guests.end());
    // A pmxcfs that stopped answering or died while read: say that first,
    // the paths it left unread follow from it.
    if (sandbox.killed_at_deadline())
        problems.insert(problems.begin(),
                        fmt::format("pmxcfs stopped answering; killed at the drill's {} s deadline",
                                    options.timeout.count()));
    else if (!sandbox.running())
        problems.insert(problems.begin(),
                        "pmxcfs died while serving the db: " + pmxcfs_words(sandbox).back());
    finish(level, std::move(problems),
           fmt::format("pmxcfs served all {} entries as archived (content, mode, owner), its "
                       "node links and guest list too",
                       tree.entries.size()));
}

} // namespace

std::string drill_unavailable() {
    if (::geteuid() != 0)
        return "the drill needs root: it runs pmxcfs in namespaces of its own and mounts "
               "/etc/pve there";
    return {};
}

LevelResult drill(const archive::Manifest& manifest, const fs::path& db,
                  const DrillOptions& options) {
    auto started = Clock::now();
    LevelResult level{"drill", Status::failed, ""};
    std::error_code ignored;
    if (!fs::exists(options.pmxcfs, ignored)) {
        level.status = Status::skipped;
        level.detail =
            fmt::format("pmxcfs not installed ({}); give --pmxcfs PATH", options.pmxcfs.string());
        return level;
    }
    if (auto why = drill_unavailable(); !why.empty())
        fail("{}", why);
    if (!is_host_name(manifest.node)) {
        level.detail =
            fmt::format("the archived node name '{}' is not a host name pmxcfs can run as",
                        escape_name(manifest.node));
        return level;
    }
    TempDir scratch;
    private_copy(scratch, db);
    {
        host::PmxcfsSandbox sandbox(
            {options.pmxcfs, scratch.path(), manifest.node, started + options.timeout});
        switch (sandbox.state()) {
        case host::PmxcfsSandbox::State::exited:
            finish(level, pmxcfs_words(sandbox), "");
            level.detail = "pmxcfs refused the db: " + level.detail;
            break;
        case host::PmxcfsSandbox::State::hung:
            finish(level,
                   {fmt::format("pmxcfs did not mount /etc/pve within {} s; killed",
                                options.timeout.count())},
                   "");
            break;
        case host::PmxcfsSandbox::State::serving:
            judge_served(manifest, sandbox, options, level);
            break;
        }
    } // pmxcfs stopped, its namespaces gone, before the scratch copy goes
    level.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    level.detail += fmt::format(" ({:.1f} s)", *level.seconds);
    return level;
}

} // namespace pmxsnap::trust
