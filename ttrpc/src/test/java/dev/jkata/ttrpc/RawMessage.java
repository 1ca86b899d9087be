package dev.jkata.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;

/** Test helper: a "message" whose bytes are given as is, to send malformed payloads. */
final class RawMessage extends com.google.protobuf.AbstractMessage {
    private final byte[] bytes;

    RawMessage(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public ByteString toByteString() {
        return ByteString.copyFrom(bytes);
    }

    @Override
    public byte[] toByteArray() {
        return bytes.clone();
    }

    @Override
    public com.google.protobuf.Descriptors.Descriptor getDescriptorForType() {
        return Empty.getDescriptor();
    }

    @Override
    public java.util.Map<com.google.protobuf.Descriptors.FieldDescriptor, Object> getAllFields() {
        return java.util.Map.of();
    }

    @Override
    public boolean hasField(com.google.protobuf.Descriptors.FieldDescriptor field) {
        return false;
    }

    @Override
    public Object getField(com.google.protobuf.Descriptors.FieldDescriptor field) {
        return null;
    }

    @Override
    public int getRepeatedFieldCount(com.google.protobuf.Descriptors.FieldDescriptor field) {
        return 0;
    }

    @Override
    public Object getRepeatedField(com.google.protobuf.Descriptors.FieldDescriptor field, int index) {
        return null;
    }

    @Override
    public com.google.protobuf.UnknownFieldSet getUnknownFields() {
        return com.google.protobuf.UnknownFieldSet.getDefaultInstance();
    }

    @Override
    public com.google.protobuf.Message getDefaultInstanceForType() {
        return Empty.getDefaultInstance();
    }

    @Override
    public com.google.protobuf.Message.Builder newBuilderForType() {
        return Empty.newBuilder();
    }

    @Override
    public com.google.protobuf.Message.Builder toBuilder() {
        return Empty.newBuilder();
    }

    @Override
    public int getSerializedSize() {
        return bytes.length;
    }

    @Override
    public boolean isInitialized() {
        return true;
    }

    @Override
    public com.google.protobuf.Parser<? extends com.google.protobuf.Message> getParserForType() {
        return Empty.parser();
    }
}
