#include "daemon/outbox/seq_ranges.hpp"

#include <algorithm>
#include <iterator>

namespace wedge::outbox {

bool SeqRanges::insert(std::int64_t seq) {
  if (contains(seq)) return false;
  insert(SeqRange{seq, seq});
  return true;
}

void SeqRanges::insert(const SeqRange& range) {
  auto [first, last] = range;
  if (first > last) return;
  // Merge with every range that overlaps or touches [first, last].
  auto it = ranges_.upper_bound(first);
  if (it != ranges_.begin()) {
    auto before = std::prev(it);
    if (before->second + 1 >= first) it = before;
  }
  while (it != ranges_.end() && it->first <= last + 1) {
    first = std::min(first, it->first);
    last = std::max(last, it->second);
    it = ranges_.erase(it);
  }
  ranges_.emplace(first, last);
}

bool SeqRanges::contains(std::int64_t seq) const {
  auto it = ranges_.upper_bound(seq);
  if (it == ranges_.begin()) return false;
  return std::prev(it)->second >= seq;
}

void SeqRanges::erase(const SeqRange& range) {
  const auto [first, last] = range;
  if (first > last) return;
  auto it = ranges_.upper_bound(first);
  if (it != ranges_.begin()) it = std::prev(it);
  while (it != ranges_.end() && it->first <= last) {
    const auto [a, b] = *it;
    if (b < first) {
      ++it;
      continue;
    }
    it = ranges_.erase(it);
    if (a < first) ranges_.emplace(a, first - 1);
    if (b > last) ranges_.emplace(last + 1, b);
  }
}

std::vector<SeqRange> SeqRanges::ranges() const {
  return std::vector<SeqRange>(ranges_.begin(), ranges_.end());
}

}  // namespace wedge::outbox
