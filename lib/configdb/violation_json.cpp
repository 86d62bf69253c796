#include "pmxsnap/configdb/violation_json.hpp"

#include "pmxsnap/util/json_name.hpp"

namespace pmxsnap::configdb {

nlohmann::json violations_json(const std::vector<Violation>& violations) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& v : violations) {
        nlohmann::json item = {{"rule", v.rule},
                               {"effect", to_string(v.effect)},
                               {"inode", v.inode},
                               {"message", v.message}};
        put_name(item, "path", v.path);
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace pmxsnap::configdb
