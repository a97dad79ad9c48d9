package dev.container.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.ext.DefaultHandler2;

/**
 * A read-only XML element with the line it starts on, built by SAX because DOM keeps no line
 * numbers. Names are local names: deployment descriptors come in the J2EE, Java EE, JCP and
 * Jakarta EE namespaces or in none (2.3-era DOCTYPE files), and all of them read alike, as does
 * the root's own namespace (a mistyped xmlns). Elements in any other namespace (vendor
 * extensions) are dropped while reading.
 *
 * <p>Reading never touches the network: DTDs and external entities resolve to nothing, so a
 * 2.3 DOCTYPE parses offline and XXE has nothing to fetch.
 */
final class XmlElement {
    private static final Set<String> DESCRIPTOR_NAMESPACES = Set.of(
            "",
            "https://jakarta.ee/xml/ns/jakartaee",
            "http://xmlns.jcp.org/xml/ns/javaee",
            "http://java.sun.com/xml/ns/javaee",
            "http://java.sun.com/xml/ns/j2ee");

    private final String name;
    private final int line;
    private final Map<String, String> attributes;
    private final List<XmlElement> children = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private String doctypePublicId = "";

    private XmlElement(String name, int line, Map<String, String> attributes) {
        this.name = name;
        this.line = line;
        this.attributes = attributes;
    }

    /** The root element of {@code in}; malformed XML fails with "source:line: malformed XML: ...". */
    static XmlElement read(InputStream in, String source) throws DeploymentError {
        TreeBuilder builder = new TreeBuilder();
        try {
            SAXParser parser = secureFactory().newSAXParser();
            parser.setProperty("http://xml.org/sax/properties/lexical-handler", builder);
            parser.parse(new InputSource(in), builder);
        } catch (SAXParseException e) {
            String where = e.getLineNumber() > 0 ? source + ":" + e.getLineNumber() : source;
            throw new DeploymentError(where + ": malformed XML: " + e.getMessage());
        } catch (SAXException | ParserConfigurationException e) {
            throw new DeploymentError(source + ": cannot parse: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeploymentError(source + ": cannot read: " + e.getMessage(), e);
        }
        return builder.root;
    }

    private static SAXParserFactory secureFactory() throws ParserConfigurationException, SAXException {
        // The JDK's own parser, so an XML library on our classpath cannot change the rules below.
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory;
    }

    /** The public id of a DOCTYPE before the root element (2.2/2.3-era descriptors), else "". */
    String doctypePublicId() {
        return doctypePublicId;
    }

    String name() {
        return name;
    }

    int line() {
        return line;
    }

    /** The trimmed character content; "" when there is none. */
    String text() {
        return text.toString().strip();
    }

    Optional<String> attribute(String localName) {
        return Optional.ofNullable(attributes.get(localName)).map(String::strip);
    }

    List<XmlElement> children() {
        return children;
    }

    List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    Optional<XmlElement> child(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).findFirst();
    }

    /** The trimmed text of the first child of that name, empty when missing or blank. */
    Optional<String> childText(String childName) {
        return child(childName).map(XmlElement::text).filter(s -> !s.isEmpty());
    }

    /** The trimmed, non-blank texts of all children of that name, in document order. */
    List<String> childTexts(String childName) {
        return children(childName).stream().map(XmlElement::text).filter(s -> !s.isEmpty()).toList();
    }

    private static final class TreeBuilder extends DefaultHandler2 {
        private final Deque<XmlElement> open = new ArrayDeque<>();
        // Depth inside an element of a foreign namespace; everything there is skipped.
        private int foreignDepth;
        private Locator locator;
        private XmlElement root;
        private String publicId = "";
        // A root in some other namespace still reads, so that a typo in xmlns is not fatal.
        private String rootNamespace = "";

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startDTD(String name, String publicId, String systemId) {
            this.publicId = publicId == null ? "" : publicId;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) {
            if (root == null) {
                rootNamespace = uri;
            }
            if (foreignDepth > 0 || !(DESCRIPTOR_NAMESPACES.contains(uri) || uri.equals(rootNamespace))) {
                foreignDepth++;
                return;
            }
            Map<String, String> attributes = new HashMap<>();
            for (int i = 0; i < atts.getLength(); i++) {
                String attributeName = atts.getLocalName(i).isEmpty() ? atts.getQName(i) : atts.getLocalName(i);
                attributes.put(attributeName, atts.getValue(i));
            }
            String name = localName.isEmpty() ? qName : localName;
            XmlElement element = new XmlElement(name, locator.getLineNumber(), attributes);
            if (open.isEmpty()) {
                root = element;
                root.doctypePublicId = publicId;
            } else {
                open.peek().children.add(element);
            }
            open.push(element);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            if (foreignDepth > 0) {
                foreignDepth--;
            } else {
                open.pop();
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (foreignDepth == 0 && !open.isEmpty()) {
                open.peek().text.append(ch, start, length);
            }
        }

        /** Every DTD and external entity reads as empty: never fetched, never a file read. */
        @Override
        public InputSource resolveEntity(String name, String publicId, String baseURI, String systemId) {
            return new InputSource(new StringReader(""));
        }

        @Override
        public InputSource resolveEntity(String publicId, String systemId) {
            return new InputSource(new StringReader(""));
        }
    }
}
