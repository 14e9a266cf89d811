package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;

/** The buffer shapes the AEADs must handle, and helpers to fill, read and release them. */
enum TestBuffers {
    /** Heap buffer over an array with a non-zero array offset. */
    HEAP,
    /** Pooled direct buffer, as on the hot path. */
    DIRECT,
    /** Composite of two direct components split in the middle (exercises the copy path). */
    COMPOSITE,
    /** Direct buffer that does not expose its memory address (reached through its NIO view). */
    DIRECT_WITHOUT_ADDRESS;

    private static final int ARRAY_OFFSET = 7;

    /** A buffer of exactly {@code capacity} bytes, all 0xA5, owned by the caller. */
    ByteBuf allocate(int capacity) {
        ByteBuf buf = switch (this) {
            case HEAP -> Unpooled.wrappedBuffer(new byte[capacity + ARRAY_OFFSET + 3], ARRAY_OFFSET, capacity);
            case DIRECT -> PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
            case COMPOSITE -> {
                int first = capacity / 2;
                CompositeByteBuf c = Unpooled.compositeBuffer();
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(first, first).writerIndex(first);
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(capacity - first, capacity - first)
                        .writerIndex(capacity - first);
                c.addComponents(true, a, b);
                yield c;
            }
            case DIRECT_WITHOUT_ADDRESS -> new AddresslessDirectByteBuf(capacity);
        };
        for (int i = 0; i < capacity; i++) {
            buf.setByte(i, 0xA5);
        }
        return buf;
    }

    /** A buffer holding {@code prefix} canary bytes, {@code content}, then {@code extra} canary bytes. */
    ByteBuf withContent(int prefix, byte[] content, int extra) {
        ByteBuf buf = allocate(prefix + content.length + extra);
        buf.setBytes(prefix, content);
        return buf;
    }

    /** An unpooled direct buffer that hides its native address, as Netty does on some platforms. */
    private static final class AddresslessDirectByteBuf extends UnpooledDirectByteBuf {
        AddresslessDirectByteBuf(int capacity) {
            super(UnpooledByteBufAllocator.DEFAULT, capacity, capacity);
        }

        @Override
        public boolean hasMemoryAddress() {
            return false;
        }

        @Override
        public long memoryAddress() {
            throw new UnsupportedOperationException("no memory address");
        }
    }

    static byte[] read(ByteBuf buf, int offset, int length) {
        byte[] out = new byte[length];
        buf.getBytes(offset, out);
        return out;
    }

    /** Releases {@code buf} and asserts it is gone (refCnt 0). */
    static void release(ByteBuf buf) {
        buf.release();
        assertEquals(0, buf.refCnt(), "buffer still referenced after release");
    }
}
