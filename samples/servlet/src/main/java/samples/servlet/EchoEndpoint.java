package samples.servlet;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** A WebSocket endpoint found by its annotation: answers each text message with the same text. */
@ServerEndpoint("/ws/echo")
public class EchoEndpoint {
    @OnMessage
    public String echo(String message) {
        return message;
    }
}
