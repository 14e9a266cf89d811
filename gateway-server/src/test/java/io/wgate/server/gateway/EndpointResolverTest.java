package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class EndpointResolverTest {

    @Test
    void theResolversReasonIsKeptWithoutTheHostName() {
        String host = "qGLNAoT7E-upkvmo6m4Pdrq-08nn4jYURUqhloIpRn8"; // a URL-safe base64 key is a valid host name
        assertEquals("Name or service not known", EndpointResolver.reasonWithoutHost(
                new UnknownHostException(host + ": Name or service not known"), host));
        assertEquals("", EndpointResolver.reasonWithoutHost(new UnknownHostException(host), host));
        assertEquals("", EndpointResolver.reasonWithoutHost(new UnknownHostException(), host));
    }
}
