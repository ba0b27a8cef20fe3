// A set of seqs kept as closed ranges [first, last]. PUBACKs arrive nearly in seq order, so a
// drain of a million-event backlog is a handful of ranges, not a million set entries: this is what
// keeps acked-but-not-yet-deleted seqs (loop side) and queued deletes (writer side) small.
// Not thread-safe; each owner uses its own.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace wedge::outbox {

using SeqRange = std::pair<std::int64_t, std::int64_t>;  // first, last (inclusive)

class SeqRanges {
 public:
  // Adds `seq`; false if it was already there.
  bool insert(std::int64_t seq);
  void insert(const SeqRange& range);
  bool contains(std::int64_t seq) const;
  void erase(const SeqRange& range);
  bool empty() const { return ranges_.empty(); }
  std::size_t range_count() const { return ranges_.size(); }
  std::vector<SeqRange> ranges() const;
  void clear() { ranges_.clear(); }

 private:
  std::map<std::int64_t, std::int64_t> ranges_;  // first -> last, disjoint and not adjacent
};

}  // namespace wedge::outbox
