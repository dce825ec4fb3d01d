//! A TCP proxy that a test can cut: every connection open through it drops at once, as when a
//! network fails, while new connections get through. What a client's reconnecting is tested
//! against, with no timing and no change to the server.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Cable {
    /// Where clients connect: the address they know the app by.
    pub address: SocketAddr,
    listener: Option<TcpListener>,
    cuts: watch::Sender<u64>,
    task: Option<JoinHandle<()>>,
}

impl Cable {
    /// A cable with an address and no far end yet: the app behind it must know the address
    /// first, since browsers' Origin will name it.
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind a local port");
        let address = listener.local_addr().expect("a bound listener has an address");
        Self { address, listener: Some(listener), cuts: watch::channel(0).0, task: None }
    }

    /// Starts carrying connections to `backend`.
    pub fn plug_into(&mut self, backend: SocketAddr) {
        let listener = self.listener.take().expect("a cable is plugged in once");
        let cuts = self.cuts.clone();
        self.task = Some(tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(carry(client, backend, cuts.subscribe()));
            }
        }));
    }

    /// Drops every connection open now, from both ends.
    pub fn cut(&self) {
        self.cuts.send_modify(|cuts| *cuts += 1);
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
        self.cut();
    }
}

async fn carry(mut client: TcpStream, backend: SocketAddr, mut cut: watch::Receiver<u64>) {
    let Ok(mut server) = TcpStream::connect(backend).await else { return };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = cut.changed() => {}
    }
}
