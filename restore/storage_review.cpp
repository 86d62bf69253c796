#include "storage_review.hpp"

#include "pmxsnap/util/text.hpp"

#include <fmt/format.h>

#include <sstream>

namespace pmxsnap::restore {
namespace {

std::vector<std::string> fields_of(std::string_view line) {
    std::istringstream in{std::string(line)};
    std::vector<std::string> out;
    for (std::string field; in >> field;)
        out.push_back(field);
    return out;
}

template <typename Visit>
void lines(const std::string& text, Visit&& visit) {
    std::istringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        auto trimmed = trim_blanks(line);
        if (!trimmed.empty() && trimmed.front() != '#')
            visit(number, trimmed);
    }
}

// The /dev path an fstab spec names, or empty when it names no local
// device (proc, tmpfs, an NFS export, a ZFS dataset).
std::string device_of(const std::string& spec, const fs::path& dev) {
    for (auto [tag, directory] : {std::pair{"UUID=", "disk/by-uuid"},
                                  {"LABEL=", "disk/by-label"},
                                  {"PARTUUID=", "disk/by-partuuid"},
                                  {"PARTLABEL=", "disk/by-partlabel"}}) {
        std::string_view prefix(tag);
        if (spec.starts_with(prefix))
            return (dev / directory / spec.substr(prefix.size())).string();
    }
    if (spec.starts_with("/dev/"))
        return (dev / spec.substr(5)).string();
    return {};
}

StorageCheck device_check(std::string what, const std::string& device, const char* remedy) {
    std::error_code ignored;
    if (fs::exists(device, ignored))
        return {std::move(what), "present", device + " exists here"};
    return {std::move(what), "missing", fmt::format("{} does not exist here: {}", device, remedy)};
}

void check_fstab(const std::string& text, const fs::path& dev, std::vector<StorageCheck>& out) {
    lines(text, [&](int number, std::string_view line) {
        auto fields = fields_of(line);
        if (fields.size() < 2)
            return;
        auto what = fmt::format("/etc/fstab line {}: {} {}", number, fields[0], fields[1]);
        auto device = device_of(fields[0], dev);
        if (device.empty())
            out.push_back({what, "not a device", "names no local device; check it applies here"});
        else
            out.push_back(device_check(what, device,
                                       "change or drop the line before installing this fstab, "
                                       "or the boot stops at it"));
    });
}

void check_wwids(const std::string& text, const fs::path& dev, std::vector<StorageCheck>& out) {
    lines(text, [&](int, std::string_view line) {
        if (line.size() < 3 || line.front() != '/' || line.back() != '/')
            return;
        auto wwid = std::string(line.substr(1, line.size() - 2));
        out.push_back(device_check("multipath WWID " + wwid,
                                   (dev / "disk/by-id" / ("dm-uuid-mpath-" + wwid)).string(),
                                   "the LUN is not seen (or multipathd not running): check the "
                                   "SAN zoning and `multipath -ll` first"));
    });
}

std::string initiator_of(const std::string& text) {
    std::string name;
    lines(text, [&](int, std::string_view line) {
        if (line.starts_with("InitiatorName="))
            name = std::string(trim_blanks(line.substr(14)));
    });
    return name;
}

} // namespace

std::vector<StorageCheck> review_storage(const std::map<std::string, std::string>& archived,
                                         const host::Host& host, const fs::path& dev) {
    std::vector<StorageCheck> out;
    if (auto fstab = archived.find("/etc/fstab"); fstab != archived.end())
        check_fstab(fstab->second, dev, out);
    if (auto wwids = archived.find("/etc/multipath/wwids"); wwids != archived.end())
        check_wwids(wwids->second, dev, out);
    auto iscsi = archived.find("/etc/iscsi/initiatorname.iscsi");
    if (iscsi == archived.end())
        return out;
    auto archived_name = initiator_of(iscsi->second);
    auto here =
        initiator_of(host.read_text_if_exists("/etc/iscsi/initiatorname.iscsi").value_or(""));
    std::string what = "iSCSI initiator " + archived_name;
    if (here == archived_name)
        out.push_back({what, "same", "this node has the same initiator name"});
    else if (here.empty())
        out.push_back({what, "missing",
                       "this node has no initiator name (open-iscsi not installed?): install "
                       "open-iscsi, then --host-files storage restores the archived name the "
                       "targets' ACLs allow"});
    else
        out.push_back({what, "differs",
                       fmt::format("this node is {}: the targets' ACLs allow the archived name; "
                                   "restore it (--host-files storage) or add {} to the ACLs",
                                   here, here)});
    return out;
}

} // namespace pmxsnap::restore
