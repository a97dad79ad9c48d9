<%@ tag body-content="scriptless" description="A titled box around its body" %>
<%@ attribute name="title" required="true" %>
<section class="panel"><h2>${title}</h2><jsp:doBody/></section>
