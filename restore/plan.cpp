#include "plan.hpp"

#include "plan_context.hpp"
#include "restore_file.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

namespace pmxsnap::restore {
namespace {

using State = Precondition::State;
using Context = PlanContext;

std::string pick_peer(const ArchiveFacts& archive, const HostFacts& host, const std::string& node) {
    if (host.asked_peer)
        return peer_host(*host.asked_peer);
    if (host.runtime && host.runtime->reachable)
        for (const auto& n : host.runtime->nodelist)
            if (n.name != node && !n.name.empty())
                return n.name;
    for (const auto& n : archive.nodelist)
        if (n.name != node)
            return n.name;
    return "<healthy node>";
}

Precondition peers_state(const HostFacts& host, const std::string& node, bool want_alive) {
    if (host.asked_peer && !host.cluster_alive())
        return peer_state(*host.asked_peer, node, want_alive);
    if (!host.probed)
        return {State::unknown,
                want_alive ? "the cluster's state was not probed (--offline or --root)"
                           : "whether other nodes are alive was not probed (--offline or --root)",
                want_alive ? "check `pvecm status` on a healthy node: quorate, this node absent"
                           : "make sure every other node is really gone before going on"};
    bool alive = host.cluster_alive();
    if (alive == want_alive)
        return {State::ok,
                alive ? fmt::format("the cluster is quorate with {} members",
                                    host.runtime->joined_members())
                      : "no quorate cluster is reachable from this node",
                ""};
    return {State::failed,
            alive ? "a quorate cluster is running: a restored db would overwrite it or be "
                    "overwritten (the highest version wins)"
                  : "no quorate cluster is reachable: nothing to rejoin",
            alive ? "use --scenario rejoin (or restore single files)"
                  : "bring the cluster back first (`pmxsnap doctor` on a healthy node), or use "
                    "--scenario cluster if every node is lost"};
}

Precondition pve_writable(const HostFacts& host) {
    if (!host.probed)
        return {State::unknown, "/etc/pve was not checked (--offline or --root)",
                "/etc/pve must be mounted by pmxcfs and quorate"};
    if (host.pve_mounted && host.runtime && host.runtime->quorate.value_or(false))
        return {State::ok, "/etc/pve is mounted by pmxcfs and the cluster is quorate", ""};
    return {State::failed, "/etc/pve is not mounted read-write (pmxcfs down or no quorum)",
            "fix corosync and quorum first (`pmxsnap doctor`)"};
}

std::vector<Step> single_node_steps(const Context& c) {
    return {
        {here, "pmxsnap verify --drill " + c.archive_arg,
         "install only an archive whose signature, content and db check out, and that this "
         "node's pmxcfs serves as archived (the drill runs it in private namespaces: nothing of "
         "the node is touched)",
         "all four levels ok"},
        {here, "systemctl stop pve-ha-lrm pve-ha-crm",
         "with HA active, a node fences itself about 60 s after losing quorum",
         "`systemctl is-active pve-ha-lrm pve-ha-crm` says inactive"},
        {here, "systemctl stop pve-cluster", "pmxcfs holds config.db while it runs",
         "`pgrep -x pmxcfs` prints nothing"},
        {here, "pmxsnap restore apply " + c.archive_arg,
         "moves config.db, -wal and -shm aside (never deletes them) and installs the archived "
         "db, 0600, by atomic rename",
         "the output names the moved-aside files; `pmxsnap inspect "
         "/var/lib/pve-cluster/config.db` shows the archive's version"},
        {here, "pmxsnap restore apply " + c.archive_arg + " --host-files identity --dry-run",
         "the node's directory under /etc/pve/nodes/ is found by hostname: /etc/hostname and "
         "/etc/hosts must name the node as the archive does (the dry run shows the diffs; drop "
         "--dry-run to install them)",
         fmt::format("`hostname` says {}; /etc/hosts maps {} to {}", c.node, c.node, c.ring0)},
        {here, "systemctl start pve-cluster", "pmxcfs loads the restored db",
         fmt::format("`ls /etc/pve/nodes/{}/qemu-server` lists the expected guests; `pmxsnap diff "
                     "{} live` shows no pve/ changes",
                     c.node, c.archive_arg)},
        {here, "systemctl start pve-ha-crm pve-ha-lrm",
         "only if HA was in use; after /etc/pve is back", "`ha-manager status`"},
    };
}

std::vector<Step> cluster_steps(const Context& c) {
    return {
        {here,
         fmt::format("install Proxmox VE as {} with its addresses ({})", c.node,
                     c.ring0.empty() ? "as in the archive's /etc/network/interfaces" : c.ring0),
         "the archive's db names this node by hostname", "`hostname` and `ip -br addr`"},
        {here, "pmxsnap verify --drill " + c.archive_arg,
         "install only an archive that checks out and that this node's pmxcfs serves as "
         "archived (the drill: private namespaces, nothing of the node touched)",
         "all four levels ok"},
        {here, "systemctl stop pve-cluster corosync", "pmxcfs holds config.db while it runs",
         "`pgrep -x pmxcfs` and `pgrep -x corosync` print nothing"},
        {here, "pmxsnap restore apply " + c.archive_arg,
         "installs the archived db (the old one moved aside)",
         "`pmxsnap inspect /var/lib/pve-cluster/config.db` shows the archive's version"},
        {here, "pmxsnap restore apply " + c.archive_arg + " --host-files network,identity",
         "the node-local files (each replaced one kept as <file>.pmxsnap-<stamp>); storage "
         "files only after the storage check in the dry run",
         "`hostname` and `ip -br addr` as in the archive"},
        {here, "pmxcfs -l",
         "local mode: the db holds the old cluster's corosync.conf, whose other nodes are gone "
         "(only if every node is rebuilt from archives carrying the authkey may "
         "/etc/corosync be restored instead)",
         "/etc/pve lists the cluster's files"},
        {here,
         "mkdir -p /root/old-cluster && mv /etc/pve/corosync.conf /etc/corosync/* "
         "/root/old-cluster/",
         "the node becomes standalone, keeping every config", "`ls /etc/corosync` is empty"},
        {here, "killall pmxcfs && systemctl start pve-cluster", "leave local mode",
         "`systemctl is-active pve-cluster` says active"},
        {here, "pvecm create " + c.cluster,
         "a new cluster; the other rebuilt nodes join it with `pvecm add " + c.node + "`",
         "`pvecm status`"},
        {here, "pvesm status", "check storage.cfg against reality before starting any guest",
         "every storage is active and is this cluster's alone"},
    };
}

// A name whose bytes would not survive a terminal or JSON (not UTF-8, a
// control, a backslash) as bash's $'...' quoting, which gives the same bytes
// back when the command is pasted.
std::string shell_argument(const std::string& name) {
    auto shown = escape_name(name);
    if (shown == name)
        return name;
    std::string quoted = "$'";
    for (char ch : shown)
        quoted += ch == '\'' ? std::string("\\'") : std::string(1, ch);
    return quoted + "'";
}

bool is_node_local(const std::string& file) {
    return file.starts_with("/") && !file.starts_with("/etc/pve/");
}

std::vector<Step> pve_file_steps(const Context& c, const std::string& file) {
    return {
        {here, fmt::format("pmxsnap diff {} live --path {}", c.archive_arg, file),
         "see what changed and the live file's digest", "the change is the one to undo"},
        {here,
         fmt::format("pmxsnap restore file {} {} --expect-digest <sha256 of the live file>",
                     c.archive_arg, file),
         "writes the archived content into the mounted /etc/pve by temp name and rename, only "
         "if the live file is still the one reviewed; never restore an old db into a running "
         "cluster for one file",
         fmt::format("`pmxsnap diff {} live --path {}` is identical", c.archive_arg, file)},
        {here, "ls /etc/pve/nodes/*/qemu-server/<vmid>.conf /etc/pve/nodes/*/lxc/<vmid>.conf",
         "for a guest config: its VMID must exist once in the whole cluster",
         "exactly one file listed"},
    };
}

// What makes a restored node-local file take effect.
std::optional<Step> activation_step(const Context& c, const std::string& file) {
    if (file == "/etc/corosync/corosync.conf")
        return Step{here, "systemctl restart corosync",
                    "corosync reads corosync.conf at start; pmxcfs copies /etc/pve/corosync.conf "
                    "over it whenever that copy's config_version is not lower, so that copy must "
                    "be good too",
                    fmt::format("`corosync-cfgtool -s` shows the links up; `pmxsnap diff {} live "
                                "--path /etc/pve/corosync.conf` is identical",
                                c.archive_arg)};
    if (file.starts_with("/etc/network/"))
        return Step{
            here, "ifreload -a", "ifupdown2 applies the restored interfaces",
            fmt::format("`ip -br addr` shows {}", c.ring0.empty() ? "the ring address" : c.ring0)};
    return std::nullopt;
}

std::vector<Step> node_file_steps(const Context& c, const std::string& file) {
    std::vector<Step> steps = {
        {here, fmt::format("pmxsnap diff {} live --path {}", c.archive_arg, file),
         "see what changed and the live file's digest", "the change is the one to undo"},
        {here,
         fmt::format("pmxsnap restore file {} {} --expect-digest <sha256 of the live file>",
                     c.archive_arg, file),
         "installs the archived file with its mode and owner (temp file, fsync, rename), only if "
         "the live file is still the one reviewed; the current one stays as " +
             file + ".pmxsnap-<stamp>",
         fmt::format("`pmxsnap diff {} live --path {}` is identical", c.archive_arg, file)},
    };
    if (auto step = activation_step(c, file))
        steps.push_back(*step);
    return steps;
}

std::vector<Step> file_steps(const Context& c) {
    if (is_node_local(c.options.file))
        return node_file_steps(c, shell_argument(c.options.file));
    auto file =
        c.options.file.empty() ? std::string("/etc/pve/<path>") : shell_argument(c.options.file);
    return pve_file_steps(c, file);
}

std::string other_nodes(const ArchiveFacts& archive) {
    std::vector<std::string> names;
    for (const auto& n : archive.nodelist)
        if (n.name != archive.manifest.node)
            names.push_back(n.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string peer_answers(const HostFacts& host) {
    std::vector<std::string> answers;
    answers.reserve(host.peers.size());
    for (const auto& peer : host.peers)
        answers.push_back(fmt::format("{} {} {} ({})", peer.node, peer.probe.address,
                                      corosync::to_string(peer.probe.answer), peer.probe.detail));
    return answers.empty() ? std::string("no ring address to ask")
                           : fmt::format("{}", fmt::join(answers, "; "));
}

std::string undecided_because(const ArchiveFacts& archive, const HostFacts& host) {
    auto nodes = archive.nodelist.size();
    if (!host.probed)
        return fmt::format("the archive's cluster has {} nodes and whether the others ({}) are "
                           "alive was not probed (--offline or --root)",
                           nodes, other_nodes(archive));
    if (host.membership_seen())
        return fmt::format("this node's corosync sees {} members without quorum: the other nodes "
                           "are there",
                           host.runtime->joined_members());
    return fmt::format("no quorate cluster is reachable, but the other nodes are not shown gone "
                       "(silent may be a running corosync, refused a host whose corosync is down "
                       "as this one's may be): {}",
                       peer_answers(host));
}

void leave_undecided(Plan& plan, const Context& c, const HostFacts& host,
                     const Precondition& same_cluster) {
    plan.decided = false;
    if (!host.probed)
        plan.needs.emplace_back("a probe from this node itself, without --offline and --root: its "
                                "corosync membership and the other nodes' ring addresses on UDP "
                                "5405");
    plan.needs.push_back(fmt::format(
        "whether {} are gone for good (powered off or reinstalled): only then --scenario cluster",
        other_nodes(c.archive)));
    plan.needs.emplace_back(
        "or whether the cluster is alive and quorate (`pvecm status` on another "
        "node): then --scenario rejoin, or repair this node's corosync");
    plan.needs.emplace_back(
        "`pmxsnap doctor` on this node: a damaged corosync.conf is repaired with "
        "one file, never with a new cluster");
    auto plan_command = [&](const std::string& rest) {
        return fmt::format("pmxsnap restore plan {} {}", c.archive_arg, rest);
    };
    plan.choices = {
        {plan_command("--scenario file --file /etc/corosync/corosync.conf"),
         "this node's corosync.conf is damaged (`pmxsnap doctor`, `pmxsnap diff " + c.archive_arg +
             " live` show it) and the other nodes are up"},
        {plan_command("--scenario rejoin"),
         "this node was rebuilt and the other nodes are alive and quorate"},
        {plan_command("--scenario cluster"),
         "every other node is lost for good; it moves /etc/corosync away and creates a new "
         "cluster"},
    };
    plan.preconditions = {same_cluster};
}

std::string archive_argument(const ArchiveFacts& archive, const PlanOptions& options) {
    return options.archive_argument.empty() ? archive.path.string() : options.archive_argument;
}

} // namespace

std::string to_string(Scenario scenario) {
    switch (scenario) {
    case Scenario::single_node:
        return "single-node";
    case Scenario::rejoin:
        return "rejoin";
    case Scenario::cluster:
        return "cluster";
    case Scenario::file:
        return "file";
    }
    return "?";
}

std::optional<Scenario> parse_scenario(const std::string& text) {
    for (auto s : {Scenario::single_node, Scenario::rejoin, Scenario::cluster, Scenario::file})
        if (to_string(s) == text)
            return s;
    return std::nullopt;
}

std::optional<Scenario> choose_scenario(const ArchiveFacts& archive, const HostFacts& host,
                                        std::string& because) {
    if (host.cluster_alive()) {
        if (host.node_in_running_nodelist() && host.db.root_version && host.db.problem.empty()) {
            because = "this node is a healthy member of a quorate cluster: restore single files, "
                      "never the db";
            return Scenario::file;
        }
        because = "a quorate cluster is running and this node is not a healthy member of it";
        return Scenario::rejoin;
    }
    if (auto scenario = choose_by_peer(archive, host, because))
        return scenario;
    if (archive.nodelist.size() <= 1) {
        because = archive.nodelist.empty() ? "the archive is of a standalone node"
                                           : "the archive's cluster has this one node";
        return Scenario::single_node;
    }
    // The cluster scenario ends the old cluster (moves /etc/corosync away,
    // pvecm create): chosen only when the peers are shown gone.
    if (host.peers_gone(archive)) {
        because = fmt::format("no membership with other nodes is seen and every ring address of "
                              "the other {} nodes is unreachable: every node is taken as lost",
                              archive.nodelist.size() - 1);
        return Scenario::cluster;
    }
    because = undecided_because(archive, host);
    return std::nullopt;
}

Plan make_plan(const ArchiveFacts& archive, const HostFacts& host, const PlanOptions& options) {
    Plan plan;
    std::optional<Scenario> scenario = options.scenario;
    if (scenario)
        plan.chosen_because = "--scenario " + to_string(*scenario);
    else
        scenario = choose_scenario(archive, host, plan.chosen_because);
    if (scenario == Scenario::file && !options.file.empty())
        if (auto refusal = restore_file_refusal(options.file); !refusal.empty())
            throw Error("--file " + refusal);
    plan.node = archive.manifest.node;
    plan.cluster = archive.manifest.cluster;
    plan.archive = archive.path.string();
    plan.selector = options.selector;
    Context c{archive,
              host,
              options,
              plan.node,
              plan.cluster,
              archive.ring0_of(plan.node),
              pick_peer(archive, host, plan.node),
              archive_argument(archive, options)};
    // The same cluster is every scenario's first precondition: apply refuses
    // another cluster's archive, and a plan must not propose what apply refuses.
    auto checks = apply_preconditions(archive, host);
    if (!scenario) {
        leave_undecided(plan, c, host, checks[0]);
        add_peer_facts(plan, c);
        return plan;
    }
    plan.scenario = *scenario;
    switch (plan.scenario) {
    case Scenario::single_node:
        plan.preconditions = {checks[0], checks[1], peers_state(host, plan.node, false)};
        plan.steps = single_node_steps(c);
        plan.dangers = {"an older db forgets every later change (guests created since)"};
        break;
    case Scenario::rejoin:
        plan.preconditions = {checks[0],
                              peers_state(host, plan.node, true),
                              {State::unknown,
                               "the old install of " + plan.node + " can never boot again",
                               "power it off for good or wipe its disk first"}};
        plan.steps = rejoin_steps(c);
        plan.dangers = rejoin_dangers(c);
        break;
    case Scenario::cluster:
        plan.preconditions = {checks[0], peers_state(host, plan.node, false), checks[1]};
        plan.steps = cluster_steps(c);
        plan.dangers = {"two clusters must never share one storage (locking does not cross "
                        "clusters; VMIDs clash)"};
        break;
    case Scenario::file:
        if (is_node_local(options.file))
            plan.preconditions = {checks[0]};
        else
            plan.preconditions = {checks[0], pve_writable(host)};
        plan.steps = file_steps(c);
        break;
    }
    add_peer_facts(plan, c);
    return plan;
}

} // namespace pmxsnap::restore
