/**
 * Tests of the deployment to Kubernetes: the Helm chart ({@code helm/gearbox-asr}) rendered and linted by a real
 * Helm, and the plain manifests ({@code k8s/}) rendered by {@code kubectl kustomize}; every rendered object parsed
 * strictly into the Kubernetes object model, checked against the service's own configuration, and the two compared.
 * No cluster is involved.
 */
package io.gearbox.asr.deploy.kubernetes;
