// MetricsFile: a Prometheus textfile-collector file (node_exporter's
// --collector.textfile.directory), written atomically so the collector never
// reads half of it. Gauges only: pmxsnap reports facts about its last run.
// Throws pmxsnap::Error naming the path when it cannot be written.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <map>
#include <string>
#include <vector>

namespace pmxsnap {

class MetricsFile {
  public:
    using Labels = std::map<std::string, std::string>;

    void gauge(const std::string& name, const std::string& help, double value,
               const Labels& labels = {});
    std::string text() const;
    // Replaces path by one rename (0644: the collector runs unprivileged).
    void write(const fs::path& path) const;

  private:
    struct Sample {
        std::string name, help;
        double value;
        Labels labels;
    };
    std::vector<Sample> samples_;
};

} // namespace pmxsnap
