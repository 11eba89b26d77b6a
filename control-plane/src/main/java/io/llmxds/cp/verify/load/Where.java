package io.llmxds.cp.verify.load;

import com.google.protobuf.Descriptors.Descriptor;

/**
 * A field path from a resource's root, rendered like the other verify lines (proto field names, {@code [i]} for list
 * items, {@code [key]} for map entries, {@code <Type>} for the message inside an {@code Any}). Immutable: each step
 * is one small object, and text is built only when a rule reports a finding.
 */
final class Where {

  private static final Where ROOT = new Where(null, "", null, -1, null);

  private final Where parent;
  private final String field;
  private final String key;
  private final int index;
  private final Descriptor unpacked;

  private Where(Where parent, String field, String key, int index, Descriptor unpacked) {
    this.parent = parent;
    this.field = field;
    this.key = key;
    this.index = index;
    this.unpacked = unpacked;
  }

  /** The resource itself. */
  static Where root() {
    return ROOT;
  }

  Where field(String name) {
    return new Where(this, name, null, -1, null);
  }

  /** Item {@code i} of the repeated field {@code name}. */
  Where item(String name, int i) {
    return new Where(this, name, null, i, null);
  }

  /** The entry {@code key} of the map field {@code name}. */
  Where entry(String name, String key) {
    return new Where(this, name, key, -1, null);
  }

  /** A path already rendered (as {@code MessageFinder} renders them), continued from here. */
  Where rendered(String path) {
    return path.isEmpty() ? this : new Where(this, path, null, -1, null);
  }

  /** The message of type {@code type} unpacked from the {@code Any} at this path. */
  Where unpacked(Descriptor type) {
    return new Where(this, null, null, -1, type);
  }

  /** {@code relative} (a path from some message, starting at {@link #root()}) continued from here. */
  Where append(Where relative) {
    if (relative.parent == null) {
      return this;
    }
    return new Where(append(relative.parent), relative.field, relative.key, relative.index, relative.unpacked);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    render(text);
    return text.toString();
  }

  private void render(StringBuilder text) {
    if (parent == null) {
      return;
    }
    parent.render(text);
    if (unpacked != null) {
      text.append('<').append(unpacked.getName()).append('>');
      return;
    }
    if (text.length() > 0) {
      text.append('.');
    }
    text.append(field);
    if (index >= 0) {
      text.append('[').append(index).append(']');
    }
    if (key != null) {
      text.append('[').append(key).append(']');
    }
  }
}
