package io.wgate.server.uapi;

import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Objects;

/** A complete, well-formed UAPI request (https://www.wireguard.com/xplatform/): {@code get=1} or {@code set=1}. */
public sealed interface UapiRequest {

    /** {@code get=1}: report the configuration and counters. */
    record Get() implements UapiRequest {
    }

    /**
     * {@code set=1}: a validated change, applied all-or-nothing by {@link SetOperation}.
     *
     * @param device the device section
     * @param peers  the peer sections in request order
     */
    record Set(DeviceUpdate device, List<PeerUpdate> peers) implements UapiRequest {

        /** Copies the list. */
        public Set {
            Objects.requireNonNull(device, "device");
            peers = List.copyOf(peers);
        }

        /** Wipes the private and preshared keys of the request, once it was applied or refused. */
        public void wipeKeys() {
            device.privateKey().ifPresent(WgKey::wipe);
            for (PeerUpdate peer : peers) {
                peer.presharedKey().ifPresent(WgKey::wipe);
            }
        }
    }
}
