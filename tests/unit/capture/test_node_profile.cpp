#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/capture/node_profile.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <sys/stat.h>

using namespace pmxsnap;
using namespace pmxsnap::capture;

namespace {

void put(const fs::path& root, const std::string& path, const std::string& text) {
    auto target = root / path.substr(1);
    create_directories(target.parent_path(), 0755);
    AtomicFile file(target, 0644);
    file.write(text);
    file.commit();
}

std::vector<std::string> paths_of(const std::vector<ProfileFile>& files) {
    std::vector<std::string> out;
    for (const auto& f : files)
        out.push_back(f.path + "=" + f.category);
    return out;
}

} // namespace

TEST_CASE("every built-in path has its category; secrets are named") {
    CHECK(category_of("/usr/local/lib/systemd/network/50-pmx-nic0.link") == "network");
    CHECK(category_of("/etc/udev/rules.d/70-persistent-net.rules") == "network");
    CHECK(category_of("/etc/udev/rules.d/60-disk.rules").empty());
    CHECK(category_of("/etc/ssh/ssh_host_ed25519_key") == "identity");
    CHECK(category_of("/etc/ssh/ssh_host_ed25519_key.pub") == "identity");
    CHECK(category_of("/etc/multipath/wwids") == "storage");
    CHECK(category_of("/etc/modprobe.d/vfio.conf") == "boot");
    CHECK(category_of("/etc/apt/sources.list.d/proxmox.sources") == "apt");
    CHECK(category_of(std::string(apt_manual_path)) == "apt");
    CHECK(category_of("/var/spool/cron/crontabs/root") == "jobs");
    CHECK(category_of("/etc/postfix/main.cf") == "mail");
    CHECK(category_of("/etc/network/interfaces.d/.hidden").empty());
    CHECK(is_profile_secret("/etc/ssh/ssh_host_rsa_key"));
    CHECK_FALSE(is_profile_secret("/etc/ssh/ssh_host_rsa_key.pub"));
    CHECK(is_profile_secret("/etc/iscsi/iscsid.conf"));
}

TEST_CASE("CHAP credentials in iscsid.conf are found, comments are not") {
    CHECK(holds_chap_credentials("node.session.auth.password = s3cret\n"));
    CHECK(holds_chap_credentials("x = 1\n  discovery.sendtargets.auth.username = u\n"));
    CHECK(holds_chap_credentials("node.session.auth.password_in = s\n"));
    CHECK_FALSE(holds_chap_credentials("# node.session.auth.password = s3cret\n"));
    CHECK_FALSE(holds_chap_credentials("node.session.auth.authmethod = CHAP\n"));
}

TEST_CASE("include and exclude: categories and paths, validated") {
    auto p = make_profile({"/etc/sysctl.d/*.conf"}, {"mail", "/etc/cron.d/*"});
    CHECK(p.name() == "custom");
    CHECK_FALSE(p.has("mail"));
    CHECK(p.has("jobs"));
    CHECK(make_profile({}, {}).name() == "default");
    auto refused = [](std::vector<std::string> include, std::vector<std::string> exclude) {
        CHECK_THROWS_AS(make_profile(include, exclude), Error);
    };
    refused({"/etc/pve/storage.cfg"}, {});
    refused({"/etc/pve"}, {});
    refused({"etc/hosts"}, {});
    refused({"/home/x"}, {});
    refused({"/etc/*/x"}, {});
    refused({"/etc/../root/x"}, {});
    refused({"/etc//x"}, {});
    refused({"/etc/x/"}, {});
    refused({"/etc/shadow"}, {});
    refused({"/etc/corosync/authkey"}, {});
    refused({"/etc/ssh/ssh_host_rsa_key"}, {});
    refused({}, {"corosync"});
    refused({"mail"}, {"mail"});
    refused({}, {"bogus"});
    CHECK(profile_path_problem("/var/spool/cron/crontabs/admin").empty());
    CHECK(profile_path_problem("/usr/local/lib/systemd/network/x.link").empty());
}

TEST_CASE("profile files: what exists, excluded ones left, devices never, keys only when asked") {
    test::Scratch scratch;
    auto root = scratch / "root";
    put(root, "/etc/hostname", "pve1\n");
    put(root, "/etc/ssh/ssh_host_rsa_key", "private");
    put(root, "/etc/ssh/ssh_host_rsa_key.pub", "public");
    put(root, "/etc/cron.d/a", "x");
    put(root, "/etc/cron.d/.placeholder", "x");
    put(root, "/etc/modprobe.d/vfio.conf", "options vfio-pci ids=1:2\n");
    put(root, "/etc/sysctl.d/99.conf", "a = 1\n");
    REQUIRE(::mkfifo((root / "etc/modprobe.d/fifo").c_str(), 0600) == 0);
    host::Host host(root);
    CHECK(paths_of(profile_files(host, make_profile({}, {}))) ==
          std::vector<std::string>{"/etc/cron.d/a=jobs", "/etc/hostname=identity",
                                   "/etc/modprobe.d/vfio.conf=boot",
                                   "/etc/ssh/ssh_host_rsa_key.pub=identity"});
    auto custom = make_profile({"/etc/sysctl.d/*.conf"}, {"/etc/cron.d/*", "boot"});
    custom.host_keys = true;
    CHECK(paths_of(profile_files(host, custom)) ==
          std::vector<std::string>{"/etc/hostname=identity", "/etc/ssh/ssh_host_rsa_key=identity",
                                   "/etc/ssh/ssh_host_rsa_key.pub=identity",
                                   "/etc/sysctl.d/99.conf="});
    CHECK_THROWS_AS(profile_files(host, make_profile({"/etc/modprobe.d/fifo"}, {})), Error);
}

TEST_CASE("apt-mark showmanual from dpkg's status and apt's extended_states") {
    test::Scratch scratch;
    auto root = scratch / "root";
    create_directories(root, 0755);
    host::Host host(root);
    CHECK_FALSE(apt_manual_packages(host));
    put(root, "/var/lib/dpkg/status",
        "Package: vim\nStatus: install ok installed\nDescription: x\n more\n\n"
        "Package: libc6\nStatus: install ok installed\n\n"
        "Package: gone\nStatus: deinstall ok config-files\n\n"
        "Package: held\nStatus: hold ok installed\n");
    put(root, "/var/lib/apt/extended_states",
        "Package: libc6\nArchitecture: amd64\nAuto-Installed: 1\n");
    CHECK(apt_manual_packages(host) == "held\nvim\n");
}

TEST_CASE("a recorded profile is read back and its include paths checked again") {
    auto p = make_profile({"/etc/sysctl.d/*.conf"}, {"mail"});
    p.host_keys = true;
    auto back = recorded_profile(profile_json(p, {{"/etc/x", "why"}}).dump());
    CHECK(back.categories == p.categories);
    CHECK(back.include_paths == p.include_paths);
    CHECK(back.host_keys);
    CHECK(recorded_profile("").name() == "default");
    CHECK_THROWS_AS(recorded_profile(R"({"categories":[],"include":["/etc/pve/x"],"exclude":[]})"),
                    Error);
    CHECK_THROWS_AS(recorded_profile("[1]"), Error);
}
