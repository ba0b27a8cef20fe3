#include "drivers/scanner/key_decoder.hpp"

#include <fmt/format.h>

namespace wedge::drivers::scanner {

namespace {
constexpr std::uint16_t kLeftCtrl = 29, kRightCtrl = 97;
constexpr std::uint16_t kLeftShift = 42, kRightShift = 54;
constexpr std::uint16_t kLeftAlt = 56, kRightAlt = 100;
constexpr std::uint16_t kCapsLock = 58, kNumLock = 69;
constexpr std::uint16_t kEnter = 28, kKpEnter = 96, kTab = 15;
constexpr std::uint16_t kRightBrace = 27;
constexpr std::size_t kMaxAltDigits = 4;

// Keypad digit for an Alt code, or -1.
int keypad_digit(std::uint16_t code) {
  switch (code) {
    case 82: return 0;
    case 79: return 1;
    case 80: return 2;
    case 81: return 3;
    case 75: return 4;
    case 76: return 5;
    case 77: return 6;
    case 71: return 7;
    case 72: return 8;
    case 73: return 9;
    default: return -1;
  }
}
}  // namespace

KeyDecoder::KeyDecoder(KeyDecoderOptions options) : options_(options) {
  if (!options_.layout) options_.layout = find_layout("us");
  if (options_.max_length == 0) options_.max_length = 1;
}

void KeyDecoder::reset() {
  shift_left_ = shift_right_ = ctrl_left_ = ctrl_right_ = alt_left_ = alt_right_ = false;
  alt_digits_.clear();
  strokes_.clear();
  length_ = 0;
  bad_key_ = -1;
  corrupt_ = false;
  dropping_ = false;
}

void KeyDecoder::push(KeyStroke stroke) {
  if (length_ < options_.max_length) strokes_.push_back(std::move(stroke));
  ++length_;
}

void KeyDecoder::push_literal(unsigned value) {
  KeyStroke stroke;
  if (value < 0x80) {
    stroke.literal = std::string(1, static_cast<char>(value));
  } else {
    stroke.literal = {static_cast<char>(0xC0 | (value >> 6)), static_cast<char>(0x80 | (value & 0x3F))};
  }
  push(std::move(stroke));
}

Frame KeyDecoder::take_frame() {
  Frame frame;
  frame.length = length_;
  if (corrupt_) {
    frame.reject_reason = kSynDroppedReason;
  } else if (bad_key_ >= 0) {
    frame.reject_reason = fmt::format("unmapped key code {}", bad_key_);
  } else if (length_ > options_.max_length) {
    frame.too_long = true;
    frame.reject_reason = too_long_reason(length_, options_.max_length);
  } else {
    auto decoded = decode_keys(strokes_, *options_.layout);
    if (decoded.clean()) frame.data = std::move(decoded.text);
    else frame.reject_reason = reject_reason(strokes_, *options_.layout, decoded);
  }
  strokes_.clear();
  length_ = 0;
  bad_key_ = -1;
  corrupt_ = false;
  alt_digits_.clear();
  return frame;
}

std::optional<Frame> KeyDecoder::flush() {
  if (!has_partial()) return std::nullopt;
  auto frame = take_frame();
  frame.timed_out = true;
  return frame;
}

void KeyDecoder::on_alt_release() {
  if (alt_left_ || alt_right_ || alt_digits_.empty()) return;
  unsigned value = 0;
  for (const char d : alt_digits_) value = value * 10 + static_cast<unsigned>(d - '0');
  alt_digits_.clear();
  if (value == 29) {
    push_literal(static_cast<unsigned char>(options_.gs_byte));
  } else if (value >= 1 && value <= 255) {
    push_literal(value);
  } else if (bad_key_ < 0) {
    bad_key_ = kLeftAlt;
  }
}

std::optional<Frame> KeyDecoder::on_key_press(std::uint16_t code) {
  if (code == kEnter || code == kKpEnter || (code == kTab && options_.end_on_tab)) {
    if (!has_partial()) return std::nullopt;
    return take_frame();
  }
  const bool ctrl = ctrl_left_ || ctrl_right_;
  if (alt_left_ || alt_right_) {
    // Keypad digits make an Alt code with either Alt; other keys with AltGr (right Alt) are the
    // layout's third and fourth levels, with left Alt they are no character.
    const int digit = keypad_digit(code);
    if (digit >= 0 && alt_digits_.size() < kMaxAltDigits) {
      alt_digits_.push_back(static_cast<char>('0' + digit));
      return std::nullopt;
    }
    if (alt_left_ || ctrl || digit >= 0) {
      if (bad_key_ < 0) bad_key_ = code;
      return std::nullopt;
    }
  }
  if (ctrl) {
    if (code == kRightBrace) push_literal(static_cast<unsigned char>(options_.gs_byte));
    else if (bad_key_ < 0) bad_key_ = code;
    return std::nullopt;
  }
  const bool shift = shift_left_ || shift_right_;
  KeyStroke stroke;
  stroke.code = code;
  stroke.level = static_cast<KeyLevel>((alt_right_ ? kLevelAltGr : kLevelPlain) +
                                       (shift ? kLevelShift : kLevelPlain));
  stroke.caps_lock = caps_lock_;
  push(std::move(stroke));
  return std::nullopt;
}

std::optional<Frame> KeyDecoder::feed(const input_event& event) {
  if (event.type == EV_SYN) {
    if (event.code == SYN_DROPPED) {
      // The kernel lost events: whatever this scan holds is incomplete, and modifier releases may be
      // among the lost ones. Start clean, but remember the scan must be rejected at its end.
      reset();
      corrupt_ = true;
      dropping_ = true;
    } else if (event.code == SYN_REPORT) {
      dropping_ = false;
    }
    return std::nullopt;
  }
  if (dropping_ || event.type != EV_KEY) return std::nullopt;
  const bool press = event.value == 1;
  const bool release = event.value == 0;
  if (!press && !release) return std::nullopt;  // value 2: auto-repeat adds nothing
  switch (event.code) {
    case kLeftShift: shift_left_ = press; return std::nullopt;
    case kRightShift: shift_right_ = press; return std::nullopt;
    case kLeftCtrl: ctrl_left_ = press; return std::nullopt;
    case kRightCtrl: ctrl_right_ = press; return std::nullopt;
    case kLeftAlt:
      alt_left_ = press;
      if (release) on_alt_release();
      return std::nullopt;
    case kRightAlt:
      alt_right_ = press;
      if (release) on_alt_release();
      return std::nullopt;
    case kCapsLock:
      if (press) caps_lock_ = !caps_lock_;
      return std::nullopt;
    case kNumLock:
      return std::nullopt;
    default:
      break;
  }
  if (!press) return std::nullopt;
  return on_key_press(event.code);
}

}  // namespace wedge::drivers::scanner
