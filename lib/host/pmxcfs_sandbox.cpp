#include "pmxsnap/host/pmxcfs_sandbox.hpp"

#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <optional>
#include <vector>

namespace pmxsnap::host {
namespace {

using namespace std::chrono_literals;

// The steps of the child, named in the error the parent reports.
enum Step : int {
    step_deathsig,
    step_namespaces,
    step_private,
    step_tmpfs,
    step_layers,
    step_overlay_etc,
    step_overlay_var_lib,
    step_mountpoints,
    step_hosts,
    step_hostname,
    step_run,
    step_shm,
    step_bind_lib,
    step_exec,
};

const char* step_text(int step) {
    switch (step) {
    case step_deathsig:
        return "cannot tie pmxcfs's life to pmxsnap's (prctl)";
    case step_namespaces:
        return "cannot create mount, network, UTS and IPC namespaces (unshare)";
    case step_private:
        return "cannot make the drill's mounts private (mount --make-rprivate /)";
    case step_tmpfs:
        return "cannot mount the drill's tmpfs";
    case step_layers:
        return "cannot create the overlay layers";
    case step_overlay_etc:
        return "cannot mount an overlay on /etc";
    case step_overlay_var_lib:
        return "cannot mount an overlay on /var/lib";
    case step_mountpoints:
        return "cannot create /etc/pve and /var/lib/pve-cluster in the overlays";
    case step_hosts:
        return "cannot write the drill's /etc/hosts";
    case step_hostname:
        return "cannot set the drill's host name";
    case step_run:
        return "cannot mount a tmpfs on /run";
    case step_shm:
        return "cannot mount a tmpfs on /dev/shm";
    case step_bind_lib:
        return "cannot bind the scratch db directory on /var/lib/pve-cluster";
    default:
        return "cannot start pmxcfs";
    }
}

// Everything the child needs, made before fork(): a child of a process that
// may have threads makes only system calls until it execs.
struct ChildPlan {
    pid_t parent = 0;
    int report = -1; // the error pipe's write end (close-on-exec)
    int log = -1;    // pmxcfs's stdout and stderr
    std::string lib_dir, ns_dir, etc_upper, etc_work, var_lib_upper, var_lib_work, empty_pve;
    std::string etc_options, var_lib_options, hosts, node, pmxcfs;
};

[[noreturn]] void child_fail(const ChildPlan& plan, int step) {
    std::array<int, 2> report{step, errno};
    ssize_t ignored = ::write(plan.report, report.data(), sizeof report);
    (void)ignored;
    ::_exit(127);
}

void child_check(const ChildPlan& plan, bool ok, int step) {
    if (!ok)
        child_fail(plan, step);
}

bool made_or_there(const char* path, mode_t mode) {
    return ::mkdir(path, mode) == 0 || errno == EEXIST;
}

[[noreturn]] void child_main(const ChildPlan& plan) {
    child_check(plan, ::prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && ::getppid() == plan.parent,
                step_deathsig);
    child_check(plan, ::unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC) == 0,
                step_namespaces);
    // First, and never skipped: nothing below may propagate to the host.
    child_check(plan, ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0,
                step_private);
    child_check(plan,
                ::mount("tmpfs", plan.ns_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") ==
                    0,
                step_tmpfs);
    for (const auto* dir :
         {&plan.etc_upper, &plan.etc_work, &plan.var_lib_upper, &plan.var_lib_work})
        child_check(plan, ::mkdir(dir->c_str(), 0700) == 0, step_layers);
    // /etc/pve empty whatever lies below it: files written while a node's
    // pmxcfs was down stay in its root file system under the FUSE mount, and
    // FUSE will not mount on a directory that is not empty. An opaque upper
    // directory hides the lower one's entries.
    child_check(plan,
                ::mkdir(plan.empty_pve.c_str(), 0755) == 0 &&
                    ::setxattr(plan.empty_pve.c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0,
                step_layers);
    child_check(plan, ::mount("overlay", "/etc", "overlay", 0, plan.etc_options.c_str()) == 0,
                step_overlay_etc);
    child_check(plan,
                ::mount("overlay", "/var/lib", "overlay", 0, plan.var_lib_options.c_str()) == 0,
                step_overlay_var_lib);
    child_check(plan,
                made_or_there("/etc/pve", 0755) && made_or_there("/var/lib/pve-cluster", 0750),
                step_mountpoints);
    int hosts = ::open("/etc/hosts", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    child_check(plan,
                hosts >= 0 && ::write(hosts, plan.hosts.data(), plan.hosts.size()) ==
                                  static_cast<ssize_t>(plan.hosts.size()),
                step_hosts);
    ::close(hosts);
    child_check(plan, ::sethostname(plan.node.data(), plan.node.size()) == 0, step_hostname);
    child_check(plan, ::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0,
                step_run);
    child_check(plan, ::mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == 0,
                step_shm);
    child_check(
        plan, ::mount(plan.lib_dir.c_str(), "/var/lib/pve-cluster", nullptr, MS_BIND, nullptr) == 0,
        step_bind_lib);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0)
        ::dup2(null, 0);
    ::dup2(plan.log, 1);
    ::dup2(plan.log, 2);
    if (::chdir("/") != 0)
        child_fail(plan, step_exec);
    const char* argv[] = {plan.pmxcfs.c_str(), "-l", "-f", nullptr};
    const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", nullptr};
    ::execve(plan.pmxcfs.c_str(), const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    child_fail(plan, step_exec);
}

Fd open_or_fail(const fs::path& path, int flags, mode_t mode = 0) {
    Fd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
    if (!fd)
        fail_errno(path.string());
    return fd;
}

// The overlay options; a comma or colon in a path would split them.
std::string overlay_options(const std::string& lower, const std::string& upper,
                            const std::string& work) {
    for (const auto* path : {&lower, &upper, &work})
        if (path->find_first_of(",:\\") != std::string::npos)
            fail("{}: the drill's scratch path may hold no ',', ':' or '\\' (set TMPDIR)", *path);
    return "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
}

// pmxcfs's FUSE mount on the drill's /etc overlay — not a copy of the host's
// /etc/pve, which the namespace inherits below the overlay.
bool serves_etc_pve(pid_t pid) {
    std::string overlay;
    bool found = false;
    for (const auto& mount : mounts_of_process(pid)) {
        if (mount.mount_point == "/etc" && mount.fs_type == "overlay")
            overlay = mount.id;
        else if (!overlay.empty() && mount.mount_point == "/etc/pve" &&
                 mount.parent_id == overlay && mount.fs_type.starts_with("fuse"))
            found = true;
    }
    return found;
}

} // namespace

PmxcfsSandbox::PmxcfsSandbox(const SandboxSpec& spec)
    : spec_(spec) {
    try {
        start(spec);
        wait_until_serving();
    } catch (...) {
        stop(); // the destructor does not run for an object never made
        throw;
    }
    if (state_ == State::serving)
        watchdog_ = std::thread([this] { watch(); });
}

PmxcfsSandbox::~PmxcfsSandbox() {
    stop();
}

void PmxcfsSandbox::start(const SandboxSpec& spec) {
    ChildPlan plan;
    plan.parent = ::getpid();
    plan.pmxcfs = spec.pmxcfs.string();
    plan.node = spec.node;
    plan.hosts = "127.0.0.1 localhost\n"
                 // pmxcfs refuses a node name that resolves to loopback only;
                 // an address of 198.18.0.0/15 (benchmarking, RFC 2544) that
                 // nothing in the namespace routes to.
                 "198.18.0.1 " +
                 spec.node + ".pmxsnap-drill " + spec.node + "\n";
    // The scratch must stay reachable under the overlays: a bind by path
    // (an fd opened before unshare() belongs to the host's mounts).
    for (const auto* covered : {"/etc/", "/var/lib/"})
        if (spec.scratch.string().starts_with(covered))
            fail("{}: the drill's scratch directory may not be under {} (set TMPDIR)",
                 spec.scratch.string(), covered);
    auto ns_dir = spec.scratch / "ns";
    create_directories(ns_dir, 0700);
    plan.ns_dir = ns_dir.string();
    plan.etc_upper = (ns_dir / "etc-upper").string();
    plan.etc_work = (ns_dir / "etc-work").string();
    plan.empty_pve = (ns_dir / "etc-upper/pve").string();
    plan.var_lib_upper = (ns_dir / "var-lib-upper").string();
    plan.var_lib_work = (ns_dir / "var-lib-work").string();
    plan.etc_options = overlay_options("/etc", plan.etc_upper, plan.etc_work);
    plan.var_lib_options = overlay_options("/var/lib", plan.var_lib_upper, plan.var_lib_work);
    auto log = open_or_fail(spec.scratch / "pmxcfs.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    plan.log = log.get();
    plan.lib_dir = (spec.scratch / "lib").string();
    std::array<int, 2> report{-1, -1};
    if (::pipe2(report.data(), O_CLOEXEC) != 0)
        fail_errno("drill: pipe");
    Fd report_read(report[0]), report_write(report[1]);
    plan.report = report_write.get();
    pid_ = ::fork();
    if (pid_ < 0)
        fail_errno("drill: fork");
    if (pid_ == 0) {
        child_main(plan);
    }
    report_write.close();
    // The child's set-up is a few system calls; the pipe closes on exec.
    std::array<int, 2> failed{0, 0};
    ssize_t got = 0;
    while (true) {
        interruption_point();
        pollfd wait{report_read.get(), POLLIN, 0};
        if (std::chrono::steady_clock::now() >= spec.deadline)
            fail("drill: setting up pmxcfs's namespaces did not finish in time");
        if (::poll(&wait, 1, 100) <= 0)
            continue;
        got = ::read(report_read.get(), failed.data(), sizeof failed);
        if (got >= 0 || errno != EINTR)
            break;
    }
    if (got == static_cast<ssize_t>(sizeof failed)) {
        reap(true);
        fail("drill: {}: {}", step_text(failed[0]), errno_text(failed[1]));
    }
}

void PmxcfsSandbox::wait_until_serving() {
    while (true) {
        interruption_point("drill-starting");
        if (reap(false)) {
            state_ = State::exited;
            return;
        }
        if (serves_etc_pve(pid_)) {
            state_ = State::serving;
            interruption_point("drill-serving");
            return;
        }
        if (std::chrono::steady_clock::now() >= spec_.deadline) {
            ::kill(pid_, SIGKILL);
            reap(true);
            state_ = State::hung;
            return;
        }
        std::this_thread::sleep_for(50ms);
    }
}

bool PmxcfsSandbox::reap(bool block) {
    if (reaped_ || pid_ <= 0)
        return true;
    int status = 0;
    while (true) {
        auto got = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
        if (got == pid_ || (got < 0 && errno == ECHILD)) {
            reaped_ = true;
            return true;
        }
        if (got < 0 && errno == EINTR)
            continue;
        return false;
    }
}

// Kills pmxcfs at the deadline, unless stop() came first. pmxcfs is not
// reaped before the watchdog is joined, so its pid cannot be another's.
void PmxcfsSandbox::watch() {
    std::unique_lock lock(mutex_);
    if (!wake_.wait_until(lock, spec_.deadline, [this] { return !watching_; })) {
        ::kill(pid_, SIGKILL);
        deadline_kill_ = true;
    }
}

fs::path PmxcfsSandbox::served() const {
    return fs::path("/proc") / std::to_string(pid_) / "root/etc/pve";
}

bool PmxcfsSandbox::running() {
    return !reap(false);
}

bool PmxcfsSandbox::killed_at_deadline() {
    std::lock_guard lock(mutex_);
    return deadline_kill_;
}

std::string PmxcfsSandbox::log_tail(std::size_t lines) const {
    std::string text;
    try {
        text = read_file_if_exists(spec_.scratch / "pmxcfs.log", 16u << 20).value_or("");
    } catch (const Error&) {
        return {};
    }
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    auto start = text.size();
    for (std::size_t seen = 0; seen < lines && start != std::string::npos && start > 0; ++seen)
        start = text.rfind('\n', start - 1);
    return start == std::string::npos || start == 0 ? text : text.substr(start + 1);
}

void PmxcfsSandbox::stop() noexcept {
    {
        std::lock_guard lock(mutex_);
        watching_ = false;
    }
    wake_.notify_all();
    if (watchdog_.joinable())
        watchdog_.join();
    if (reap(false))
        return;
    ::kill(pid_, SIGTERM); // pmxcfs unmounts /etc/pve and exits
    auto give_up = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < give_up) {
        if (reap(false))
            return;
        std::this_thread::sleep_for(20ms);
    }
    ::kill(pid_, SIGKILL);
    reap(true);
}

std::string to_string(PmxcfsSandbox::State state) {
    switch (state) {
    case PmxcfsSandbox::State::serving:
        return "serving";
    case PmxcfsSandbox::State::exited:
        return "exited";
    default:
        return "hung";
    }
}

} // namespace pmxsnap::host
